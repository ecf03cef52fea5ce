"""Card lifecycle: every move checked against ``states.TRANSITIONS`` and recorded
(card_history: who, when, why; plus the audit trail) in the caller's transaction.

Entry points for other packages: ``transition`` (ops) and ``suspend`` (the network's
IMEI check, ops). What a registration's outcome does to a card is ``machine``'s
(the verifier's rules). Termination returns the MSISDN to quarantine and releases the
static IP in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.dbtypes import utcnow
from numbering.ip import pools
from numbering.msisdn import segments
from provisioning.audit.trail import Event, record
from provisioning.cards.errors import CardInvalid, IllegalTransition
from provisioning.cards.events import announce_suspension
from provisioning.cards.states import (
    STATES,
    SUSPENSION_CAUSES,
    CardState,
    RealNameStatus,
    SuspensionCause,
    can_transition,
    explain_transition,
)
from provisioning.cards.store import Card, get_card
from provisioning.cards.tables import card_history, cards


async def _move(conn: AsyncConnection, card: Card, target: str, *, actor: str, reason: str,
                now: dt.datetime, values: dict[str, Any] | None = None,
                detail: dict[str, Any] | None = None) -> Card:
    if not can_transition(card.state, target):
        raise IllegalTransition(explain_transition(card.state, target), state=card.state)
    changes: dict[str, Any] = {"state": target, "state_changed_at": now, **(values or {})}
    if card.state == CardState.SUSPENDED and "suspension_cause" not in changes:
        changes["suspension_cause"] = None
    result = await conn.execute(update(cards).where(cards.c.iccid == card.iccid, cards.c.state == card.state)
                                .values(**changes))
    if result.rowcount != 1:  # moved by a concurrent transaction since it was read
        fresh = await get_card(conn, iccid=card.iccid)
        raise IllegalTransition(explain_transition(fresh.state, target), state=fresh.state)
    await conn.execute(insert(card_history).values(iccid=card.iccid, enterprise_id=card.enterprise_id,
                                                   from_state=card.state, to_state=target, actor=actor,
                                                   reason=reason, at=now))
    if target == CardState.TERMINATED:
        await segments.release_msisdns(conn, [int(card.msisdn)], now=now)
        if card.static_ip:
            await pools.release_addresses(conn, [card.static_ip])
    await record(conn, Event(actor, "card.transition", "card", card.iccid, card.enterprise_id,
                             {"from": card.state, "to": target, "reason": reason, **(detail or {})}), at=now)
    return await get_card(conn, iccid=card.iccid)


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise CardInvalid("a reason is required for every transition", field="reason")
    return reason[:500]


async def transition(conn: AsyncConnection, iccid: str, target: str, *, actor: str, reason: str,
                     enterprise_id: int | None = None, now: dt.datetime | None = None) -> Card:
    """Move a card by hand (ops). ACTIVE needs a VERIFIED registration, and a card
    suspended for an IMEI change or a rejected re-verification needs a new one."""
    if target not in STATES:
        raise CardInvalid(f"state must be one of {', '.join(STATES)}", field="state")
    reason, now = _reason(reason), now or utcnow()
    card = await get_card(conn, iccid=iccid, enterprise_id=enterprise_id, for_update=True)
    if target == CardState.SUSPENDED and can_transition(card.state, target):
        return await suspend(conn, card.iccid, cause=SuspensionCause.OPS, actor=actor, reason=reason, now=now)
    if target == CardState.ACTIVE and can_transition(card.state, target):
        if card.real_name_status != RealNameStatus.VERIFIED:
            raise IllegalTransition(f"card is {card.state} with real-name status {card.real_name_status}: "
                                    "ACTIVE needs a VERIFIED registration", state=card.state)
        if card.state == CardState.SUSPENDED and card.suspension_cause != SuspensionCause.OPS:
            raise IllegalTransition(f"card is SUSPENDED ({card.suspension_cause}): it returns to ACTIVE only "
                                    "after a new registration is verified", state=card.state)
    return await _move(conn, card, target, actor=actor, reason=reason, now=now)


async def suspend(conn: AsyncConnection, iccid: str, *, cause: str, actor: str, reason: str,
                  enterprise_id: int | None = None, now: dt.datetime | None = None,
                  detail: dict[str, Any] | None = None) -> Card:
    """The one way a card becomes SUSPENDED (network IMEI change, rejected
    re-verification, ops). Only an ACTIVE card can be suspended."""
    if cause not in SUSPENSION_CAUSES:
        raise CardInvalid(f"cause must be one of {', '.join(SUSPENSION_CAUSES)}", field="cause")
    card = await get_card(conn, iccid=iccid, enterprise_id=enterprise_id, for_update=True)
    now = now or utcnow()
    suspended = await _move(conn, card, CardState.SUSPENDED, actor=actor, reason=_reason(reason), now=now,
                            values={"suspension_cause": cause}, detail={"cause": cause, **(detail or {})})
    await announce_suspension(conn, suspended.enterprise_id, suspended.iccid, suspended.registration_id, cause, now)
    return suspended
