"""RADIUS accounting, as the domain sees it: sessions and their octets per card.

Counts in Interim-Update and Stop are cumulative for the session, so a session keeps
the largest it was told: a retransmitted or late report changes nothing, and a Stop
repeated after the session closed is answered but not counted again (idempotent on
``Acct-Session-Id`` and status). A Start or Interim whose Start was lost opens the
session then. Accounting-On/Off from a gateway (it restarted) closes its open sessions
and gives their leased addresses back.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.dbtypes import utcnow
from numbering.msisdn import compact
from numbering.sqlutil import insert_ignoring_conflicts
from provisioning.cards.store import Card, find_card
from provisioning.network import leases
from provisioning.network.tables import sessions

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
        return Outcome("NAS_RESET", closed=await _close_all(conn, r.nas_id, now))
    if r.status not in STATUSES:
        return Outcome("UNKNOWN_STATUS")
    if not r.session_id:
        return Outcome("NO_SESSION_ID")
    key = (sessions.c.nas_id == r.nas_id) & (sessions.c.acct_session_id == r.session_id)
    row = (await conn.execute(select(sessions).where(key).with_for_update())).first()
    if row is None:
        card = await _card(conn, r)
        if card is None:
            return Outcome("UNKNOWN_CARD")
        stopped = r.status == "Stop"
        inserted = (await conn.execute(insert_ignoring_conflicts(conn, sessions).values(
            nas_id=r.nas_id, acct_session_id=r.session_id, iccid=card.iccid, enterprise_id=card.enterprise_id,
            apn=r.apn, framed_ip=r.framed_ip, input_octets=r.input_octets, output_octets=r.output_octets,
            status="STOPPED" if stopped else "OPEN", terminate_cause=r.terminate_cause if stopped else None,
            started_at=now, updated_at=now, stopped_at=now if stopped else None)
            .returning(sessions.c.id))).first()
        if inserted is None:  # a concurrent copy of the same report got there first
            return Outcome("DUPLICATE", card.iccid)
        if stopped:
            await leases.release(conn, [(card.iccid, r.framed_ip)])
        return Outcome("RECORDED", card.iccid)
    if row.status == "STOPPED" or r.status == "Start":
        return Outcome("DUPLICATE", row.iccid)
    values: dict[str, object] = {"input_octets": max(row.input_octets, r.input_octets),
                                 "output_octets": max(row.output_octets, r.output_octets), "updated_at": now}
    if r.status == "Stop":
        values.update(status="STOPPED", stopped_at=now, terminate_cause=r.terminate_cause)
    await conn.execute(update(sessions).where(sessions.c.id == row.id).values(**values))
    if r.status == "Stop":
        await leases.release(conn, [(row.iccid, row.framed_ip or r.framed_ip)])
    return Outcome("RECORDED", row.iccid)


async def _close_all(conn: AsyncConnection, nas_id: int, now: dt.datetime) -> int:
    open_rows = (await conn.execute(select(sessions.c.id, sessions.c.iccid, sessions.c.framed_ip).where(
        sessions.c.nas_id == nas_id, sessions.c.status == "OPEN").with_for_update())).all()
    if not open_rows:
        return 0
    await conn.execute(update(sessions).where(sessions.c.nas_id == nas_id, sessions.c.status == "OPEN")
                       .values(status="STOPPED", stopped_at=now, updated_at=now, terminate_cause="NAS-Reboot"))
    await leases.release(conn, [(r.iccid, r.framed_ip) for r in open_rows])
    return len(open_rows)
