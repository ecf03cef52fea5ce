"""Card lifecycle: every move checked against ``states.TRANSITIONS`` and recorded
(card_history: who, when, why; plus the audit trail) in the caller's transaction.

Entry points for other packages:
``transition`` (ops), ``suspend`` (the one way a card is suspended: IMEI change,
rejected re-verification, ops), ``mark_sold`` (registration received),
``activate`` (registration verified), ``reject`` (registration rejected),
``set_real_name_status``. Termination returns the MSISDN to quarantine and releases
the static IP in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering import pools, segments
from numbering.dbtypes import utcnow
from provisioning.audit.trail import Event, record
from provisioning.cards.errors import CardInvalid, IllegalTransition
from provisioning.cards.states import REAL_NAME_STATUSES, STATES, SUSPENSION_CAUSES, can_transition, explain_transition
from provisioning.cards.store import Card, get_card
from provisioning.cards.tables import card_history, cards
from provisioning.enterprises.tables import enterprises
from provisioning.outbox import queue as outbox


async def _move(conn: AsyncConnection, card: Card, target: str, *, actor: str, reason: str,
                now: dt.datetime, values: dict[str, Any] | None = None,
                detail: dict[str, Any] | None = None) -> Card:
    if not can_transition(card.state, target):
        raise IllegalTransition(explain_transition(card.state, target), state=card.state)
    changes: dict[str, Any] = {"state": target, "state_changed_at": now, **(values or {})}
    if card.state == "SUSPENDED" and "suspension_cause" not in changes:
        changes["suspension_cause"] = None
    result = await conn.execute(update(cards).where(cards.c.iccid == card.iccid, cards.c.state == card.state)
                                .values(**changes))
    if result.rowcount != 1:  # moved by a concurrent transaction since it was read
        fresh = await get_card(conn, iccid=card.iccid)
        raise IllegalTransition(explain_transition(fresh.state, target), state=fresh.state)
    await conn.execute(insert(card_history).values(iccid=card.iccid, enterprise_id=card.enterprise_id,
                                                   from_state=card.state, to_state=target, actor=actor,
                                                   reason=reason, at=now))
    if target == "TERMINATED":
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
    if target == "SUSPENDED" and can_transition(card.state, target):
        return await suspend(conn, card.iccid, cause="OPS", actor=actor, reason=reason, now=now)
    if target == "ACTIVE" and can_transition(card.state, target):
        if card.real_name_status != "VERIFIED":
            raise IllegalTransition(f"card is {card.state} with real-name status {card.real_name_status}: "
                                    "ACTIVE needs a VERIFIED registration", state=card.state)
        if card.state == "SUSPENDED" and card.suspension_cause != "OPS":
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
    suspended = await _move(conn, card, "SUSPENDED", actor=actor, reason=_reason(reason), now=now,
                            values={"suspension_cause": cause}, detail={"cause": cause, **(detail or {})})
    await _announce_suspension(conn, suspended, cause, now)
    return suspended


#: the webhook's reason per cause (fixed texts: an ops reason is free text and stays internal)
_SUSPENSION_REASONS = {
    "IMEI_CHANGE": ("imei", "a device with a different IMEI attached (machine-card binding)"),
    "REVERIFICATION_REJECTED": ("stage", "the re-verification was rejected"),
    "OPS": (None, "suspended by the carrier"),
}


async def _announce_suspension(conn: AsyncConnection, card: Card, cause: str, now: dt.datetime) -> None:
    """A card.suspended webhook (CONTRACT.md body) through the outbox, in this
    transaction, for an enterprise with a callback URL."""
    callback = (await conn.execute(select(enterprises.c.callback_url)
                                   .where(enterprises.c.id == card.enterprise_id))).scalar()
    if not callback:
        return
    field, message = _SUSPENSION_REASONS[cause]
    await outbox.enqueue(conn, card.enterprise_id, "card.suspended", {
        "event": "card.suspended", "registration_id": card.registration_id, "iccid": card.iccid,
        "status": "SUSPENDED", "reasons": [{"code": cause, "field": field, "message": message}],
        "occurred_at": now.isoformat()})


async def set_real_name_status(conn: AsyncConnection, iccid: str, status: str, *, actor: str,
                               registration_id: str | None = None, enterprise_id: int | None = None) -> Card:
    """Record the card's real-name status (and the registration behind it); no state change."""
    if status not in REAL_NAME_STATUSES:
        raise CardInvalid(f"real-name status must be one of {', '.join(REAL_NAME_STATUSES)}", field="status")
    card = await get_card(conn, iccid=iccid, enterprise_id=enterprise_id, for_update=True)
    values: dict[str, Any] = {"real_name_status": status}
    if registration_id is not None:
        values["registration_id"] = registration_id
    await conn.execute(update(cards).where(cards.c.iccid == card.iccid).values(**values))
    await record(conn, Event(actor, "card.real_name", "card", card.iccid, card.enterprise_id,
                             {"from": card.real_name_status, "to": status, "registration_id": registration_id}))
    return await get_card(conn, iccid=card.iccid)


async def mark_sold(conn: AsyncConnection, iccid: str, *, registration_id: str, actor: str,
                    enterprise_id: int | None = None, now: dt.datetime | None = None) -> Card:
    """A registration arrived for a card in stock or test: PENDING, real-name PENDING."""
    card = await set_real_name_status(conn, iccid, "PENDING", actor=actor, registration_id=registration_id,
                                      enterprise_id=enterprise_id)
    if card.state == "PENDING":
        return card
    return await _move(conn, card, "PENDING", actor=actor, reason=f"sold: registration {registration_id} received",
                       now=now or utcnow())


async def activate(conn: AsyncConnection, iccid: str, *, registration_id: str, actor: str,
                   imei: str | None = None, enterprise_id: int | None = None,
                   now: dt.datetime | None = None) -> Card:
    """A registration was verified: real-name VERIFIED and the card ACTIVE (from stock,
    test, PENDING or SUSPENDED). ``imei`` binds the card to that device; without it, a
    card suspended for an IMEI change is unbound and binds on its next attach."""
    now = now or utcnow()
    card = await set_real_name_status(conn, iccid, "VERIFIED", actor=actor, registration_id=registration_id,
                                      enterprise_id=enterprise_id)
    binding: dict[str, Any] = {}
    if imei is not None:
        binding = {"imei": imei, "imei_bound_at": now}
    elif card.suspension_cause == "IMEI_CHANGE":
        binding = {"imei": None, "imei_bound_at": None}
    if card.state == "ACTIVE":
        if binding:
            await conn.execute(update(cards).where(cards.c.iccid == card.iccid).values(**binding))
        return await get_card(conn, iccid=card.iccid)
    reason = f"registration {registration_id} verified"
    if card.state in ("INVENTORY", "TEST"):
        card = await _move(conn, card, "PENDING", actor=actor, reason=f"sold: {reason}", now=now)
    return await _move(conn, card, "ACTIVE", actor=actor, reason=reason, now=now, values=binding)


async def reject(conn: AsyncConnection, iccid: str, *, registration_id: str, actor: str,
                 enterprise_id: int | None = None, now: dt.datetime | None = None) -> Card:
    """A registration was rejected: real-name REJECTED; an ACTIVE card (a failed
    re-verification) is suspended, any other card keeps its state without service."""
    card = await set_real_name_status(conn, iccid, "REJECTED", actor=actor, registration_id=registration_id,
                                      enterprise_id=enterprise_id)
    if card.state != "ACTIVE":
        return card
    return await suspend(conn, card.iccid, cause="REVERIFICATION_REJECTED", actor=actor,
                         reason=f"re-verification rejected (registration {registration_id})", now=now)
