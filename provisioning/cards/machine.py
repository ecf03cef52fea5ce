"""What a registration's outcome does to its card: the one set of card rules that the
verifier runs (on many cards at once, in memory, see ``bulk.Draft``) and that anything
else recording an outcome for one card runs too (``record_outcome``).

- ``sold``: a registration arrived for a card in stock or test: the card goes PENDING,
  real-name PENDING.
- ``verified``: real-name VERIFIED, the card ACTIVE (via PENDING from stock or test),
  bound to the IMEI given; a card suspended for an IMEI change and verified again
  without a device is unbound and binds on its next attach.
- ``rejected``: real-name REJECTED; an ACTIVE card (a failed re-verification) is
  SUSPENDED, any other card keeps its state without service.

Every state move is checked against ``states.TRANSITIONS`` by ``Draft.move``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.dbtypes import utcnow
from provisioning.audit.trail import Event, record
from provisioning.cards.bulk import Draft, write_drafts
from provisioning.cards.events import announce_suspension
from provisioning.cards.states import CardState, RealNameStatus, SuspensionCause
from provisioning.cards.store import Card, get_card


def sold(draft: Draft, registration_id: str, now: dt.datetime) -> None:
    if draft.state in (CardState.INVENTORY, CardState.TEST):
        draft.move(CardState.PENDING, f"sold: registration {registration_id} received", now)
        draft.values["real_name_status"] = RealNameStatus.PENDING
        draft.values["registration_id"] = registration_id


def rejected(draft: Draft, registration_id: str, now: dt.datetime) -> bool:
    """Returns True when the card was suspended (it was ACTIVE)."""
    sold(draft, registration_id, now)
    draft.values["real_name_status"] = RealNameStatus.REJECTED
    draft.values["registration_id"] = registration_id
    if draft.state == CardState.ACTIVE:
        draft.move(CardState.SUSPENDED, f"re-verification rejected (registration {registration_id})", now)
        draft.values["suspension_cause"] = SuspensionCause.REVERIFICATION_REJECTED
        return True
    return False


def verified(draft: Draft, registration_id: str, imei: str | None, now: dt.datetime) -> str | None:
    """Returns the registration this one supersedes (the card's verified one before), if any."""
    previous = draft.values["registration_id"] if draft.values["real_name_status"] == RealNameStatus.VERIFIED else None
    imei_changed = draft.values["suspension_cause"] == SuspensionCause.IMEI_CHANGE
    sold(draft, registration_id, now)
    if draft.state != CardState.ACTIVE:
        draft.move(CardState.ACTIVE, f"registration {registration_id} verified", now)
    draft.values.update(real_name_status=RealNameStatus.VERIFIED, registration_id=registration_id,
                        suspension_cause=None)
    if imei:
        draft.values.update(imei=imei, imei_bound_at=now)
    elif imei_changed:
        draft.values.update(imei=None, imei_bound_at=None)
    return previous


async def record_outcome(conn: AsyncConnection, iccid: str, status: str, *, registration_id: str, actor: str,
                         imei: str | None = None, now: dt.datetime | None = None) -> Card:
    """Apply one registration outcome (``PENDING`` for a registration received, then
    ``VERIFIED`` or ``REJECTED``) to one card with the rules above, written the way the
    verifier writes (history, audit, a ``card.suspended`` event when it suspends).

    ``status`` is given as the real-name status the outcome gives the card (the three
    outcomes are exactly those real-name statuses; the cards area does not import the
    registrations area, which imports it)."""
    now = now or utcnow()
    card = await get_card(conn, iccid=iccid, for_update=True)
    draft = Draft.of(card)
    suspended = False
    if status == RealNameStatus.PENDING:
        sold(draft, registration_id, now)
    elif status == RealNameStatus.VERIFIED:
        verified(draft, registration_id, imei, now)
    else:
        suspended = rejected(draft, registration_id, now)
    await write_drafts(conn, [draft], actor=actor, now=now)
    detail: dict[str, Any] = {"status": status, "registration_id": registration_id, "moves": draft.moves}
    await record(conn, Event(actor, "card.registration_outcome", "card", iccid, card.enterprise_id, detail), at=now)
    if suspended:
        await announce_suspension(conn, card.enterprise_id, iccid, registration_id,
                                  SuspensionCause.REVERIFICATION_REJECTED, now)
    return await get_card(conn, iccid=iccid)
