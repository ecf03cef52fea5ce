"""Sums of accounted octets: a card's in its current period (what a data cap is checked
against), its totals, and each enterprise's.

A period is what a cap is counted over: the factory test (since the card entered TEST)
or the calendar month in China time. A session's octets count in the period it started
in, so a cap is decided from the sessions that began since the period did.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.clock import CHINA
from numbering.sqlutil import as_int, chunked
from provisioning.metering.tables import sessions
from provisioning.metering.units import MB, Totals


def period_start(in_factory_test: bool, state_changed_at: dt.datetime, now: dt.datetime) -> dt.datetime:
    """When a card's current period began.

    >>> moved = dt.datetime(2026, 11, 2, tzinfo=dt.UTC)
    >>> period_start(False, moved, dt.datetime(2026, 11, 30, 17, 0, tzinfo=dt.UTC)).isoformat()  # December in China
    '2026-11-30T16:00:00+00:00'
    >>> period_start(True, moved, dt.datetime(2026, 11, 30, 17, 0, tzinfo=dt.UTC)) == moved
    True
    """
    if in_factory_test:  # the card is in TEST: its cap counts since it entered the test
        return state_changed_at
    local = now.astimezone(CHINA)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0).astimezone(dt.UTC)


async def used_mb(conn: AsyncConnection, iccid: str, since: dt.datetime) -> float:
    """Data of the sessions a card started since ``since``, in MB (MiB)."""
    total = (await conn.execute(select(func.coalesce(func.sum(sessions.c.input_octets + sessions.c.output_octets), 0))
                                .where(sessions.c.iccid == iccid, sessions.c.started_at >= since))).scalar_one()
    return as_int(total) / MB


async def used_mb_many(conn: AsyncConnection, since: dict[str, dt.datetime]) -> dict[str, float]:
    """``used_mb`` of many cards (a page of cards: one query per few hundred)."""
    out: dict[str, float] = {}
    for part in chunked(sorted(since)):
        rows = await conn.execute(select(sessions.c.iccid, sessions.c.started_at,
                                         sessions.c.input_octets + sessions.c.output_octets)
                                  .where(sessions.c.iccid.in_(part),
                                         sessions.c.started_at >= min(since[i] for i in part)))
        for iccid, started, octets in rows:
            if started >= since[iccid]:
                out[iccid] = out.get(iccid, 0.0) + int(octets) / MB
    return out


async def card_totals(conn: AsyncConnection, iccid: str) -> Totals:
    s = sessions.c
    row = (await conn.execute(select(func.count(), func.count().filter(s.status == "OPEN"),
                                     func.coalesce(func.sum(s.input_octets), 0),
                                     func.coalesce(func.sum(s.output_octets), 0))
                              .where(s.iccid == iccid))).one()
    return Totals(int(row[0]), int(row[1]), as_int(row[2]), as_int(row[3]))


async def enterprise_totals(conn: AsyncConnection, *, since: dt.datetime | None = None,
                            enterprise_id: int | None = None) -> dict[int, Totals]:
    """Per enterprise with sessions: sessions, open ones and octets (started since ``since``, or ever)."""
    s = sessions.c
    query = (select(s.enterprise_id, func.count(), func.count().filter(s.status == "OPEN"),
                    func.coalesce(func.sum(s.input_octets), 0), func.coalesce(func.sum(s.output_octets), 0))
             .group_by(s.enterprise_id))
    if since is not None:
        query = query.where(s.started_at >= since)
    if enterprise_id is not None:
        query = query.where(s.enterprise_id == enterprise_id)
    return {r[0]: Totals(int(r[1]), int(r[2]), as_int(r[3]), as_int(r[4])) for r in await conn.execute(query)}
