"""RADIUS accounting, as the domain sees it: a gateway's report applied to its session.

Idempotent on ``Acct-Session-Id`` and status (see ``provisioning.metering.sessions``):
a repeated Start or a Stop after the session closed changes nothing. A report whose
Start was lost opens the session then. Accounting-On/Off from a gateway (it restarted)
closes its open sessions. A stopped session's leased address goes back.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.dbtypes import utcnow
from numbering.identifiers.msisdn import compact
from provisioning.cards.store import Card, find_card
from provisioning.metering import sessions
from provisioning.network import leases

STATUSES = ("Start", "Interim-Update", "Stop", "Accounting-On", "Accounting-Off")


@dataclasses.dataclass(frozen=True)
class Report:
    status: str
    nas_id: int
    session_id: str | None = None
    #: the card named by the Class the attach answered with, else found like an attach
    iccid: str | None = None
    imsi: str | None = None
    msisdn: str | None = None
    apn: str | None = None
    framed_ip: str | None = None
    input_octets: int = 0
    output_octets: int = 0
    terminate_cause: str | None = None


@dataclasses.dataclass(frozen=True)
class Outcome:
    #: RECORDED, DUPLICATE (nothing changed), UNKNOWN_CARD, NO_SESSION_ID, NAS_RESET, UNKNOWN_STATUS
    result: str
    iccid: str | None = None
    #: sessions closed by an Accounting-On/Off
    closed: int = 0


async def _card(conn: AsyncConnection, r: Report) -> Card | None:
    if r.iccid:
        card = await find_card(conn, iccid=r.iccid)
        if card is not None:
            return card
    if r.imsi:
        return await find_card(conn, imsi=r.imsi)
    if r.msisdn:
        return await find_card(conn, msisdn=compact(r.msisdn))
    return None


async def record(conn: AsyncConnection, r: Report, *, now: dt.datetime | None = None) -> Outcome:
    """Apply one Accounting-Request (in the caller's write transaction)."""
    now = now or utcnow()
    if r.status in ("Accounting-On", "Accounting-Off"):
        closed = await sessions.close_all(conn, r.nas_id, now)
        await leases.release(conn, closed)
        return Outcome("NAS_RESET", closed=len(closed))
    if r.status not in STATUSES:
        return Outcome("UNKNOWN_STATUS")
    if not r.session_id:
        return Outcome("NO_SESSION_ID")
    update = sessions.Update(r.nas_id, r.session_id, r.status == "Stop", r.input_octets, r.output_octets, r.apn,
                             r.framed_ip, r.terminate_cause)
    applied = await sessions.apply(conn, update, now, start=r.status == "Start")
    if applied.result == "NEW_SESSION_NEEDS_CARD":
        card = await _card(conn, r)
        if card is None:
            return Outcome("UNKNOWN_CARD")
        applied = await sessions.open_session(conn, update, now, iccid=card.iccid, enterprise_id=card.enterprise_id)
    if applied.stopped_ip and applied.iccid:
        await leases.release(conn, [(applied.iccid, applied.stopped_ip)])
    return Outcome(applied.result, applied.iccid)
