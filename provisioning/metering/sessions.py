"""Writing accounting sessions. Counts are cumulative for a session, so a session keeps
the largest it was told: a late or repeated report never lowers them, and a session
once STOPPED changes no more (a retransmitted Stop counts once)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.sqlutil import insert_ignoring_conflicts
from provisioning.metering.tables import sessions


@dataclasses.dataclass(frozen=True)
class Update:
    """One Start, Interim-Update or Stop of session ``session_id`` of gateway ``nas_id``."""

    nas_id: int
    session_id: str
    stop: bool
    input_octets: int = 0
    output_octets: int = 0
    apn: str | None = None
    framed_ip: str | None = None
    terminate_cause: str | None = None


@dataclasses.dataclass(frozen=True)
class Applied:
    #: RECORDED, DUPLICATE (nothing changed) or NEW_SESSION_NEEDS_CARD (no such session yet)
    result: str
    iccid: str | None = None
    #: the session's address, when this update stopped it (its lease may go back)
    stopped_ip: str | None = None


async def apply(conn: AsyncConnection, u: Update, now: dt.datetime, *, start: bool = False) -> Applied:
    """Update an existing session; ``NEW_SESSION_NEEDS_CARD`` when there is none yet."""
    key = (sessions.c.nas_id == u.nas_id) & (sessions.c.acct_session_id == u.session_id)
    row = (await conn.execute(select(sessions).where(key).with_for_update())).first()
    if row is None:
        return Applied("NEW_SESSION_NEEDS_CARD")
    if row.status == "STOPPED" or start:
        return Applied("DUPLICATE", row.iccid)
    values: dict[str, Any] = {"input_octets": max(row.input_octets, u.input_octets),
                              "output_octets": max(row.output_octets, u.output_octets), "updated_at": now}
    if u.stop:
        values.update(status="STOPPED", stopped_at=now, terminate_cause=u.terminate_cause)
    await conn.execute(update(sessions).where(sessions.c.id == row.id).values(**values))
    return Applied("RECORDED", row.iccid, (row.framed_ip or u.framed_ip) if u.stop else None)


async def open_session(conn: AsyncConnection, u: Update, now: dt.datetime, *, iccid: str,
                       enterprise_id: int) -> Applied:
    """A new session of card ``iccid`` (stopped at once for a Stop whose Start was lost)."""
    inserted = (await conn.execute(insert_ignoring_conflicts(conn, sessions).values(
        nas_id=u.nas_id, acct_session_id=u.session_id, iccid=iccid, enterprise_id=enterprise_id, apn=u.apn,
        framed_ip=u.framed_ip, input_octets=u.input_octets, output_octets=u.output_octets,
        status="STOPPED" if u.stop else "OPEN", terminate_cause=u.terminate_cause if u.stop else None,
        started_at=now, updated_at=now, stopped_at=now if u.stop else None).returning(sessions.c.id))).first()
    if inserted is None:  # a concurrent copy of the same report got there first
        return Applied("DUPLICATE", iccid)
    return Applied("RECORDED", iccid, u.framed_ip if u.stop else None)


async def close_all(conn: AsyncConnection, nas_id: int, now: dt.datetime) -> list[tuple[str, str | None]]:
    """Close every open session of a gateway that restarted; their ``(iccid, address)``."""
    open_rows = (await conn.execute(select(sessions.c.iccid, sessions.c.framed_ip).where(
        sessions.c.nas_id == nas_id, sessions.c.status == "OPEN").with_for_update())).all()
    if open_rows:
        await conn.execute(update(sessions).where(sessions.c.nas_id == nas_id, sessions.c.status == "OPEN")
                           .values(status="STOPPED", stopped_at=now, updated_at=now, terminate_cause="NAS-Reboot"))
    return [(r.iccid, r.framed_ip) for r in open_rows]
