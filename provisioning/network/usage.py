"""Accounted data usage: per card (all time and in the current period) and per enterprise.

A period is what a data cap is counted over: the factory test (since the card entered
TEST) or the calendar month in China time. A session's octets count in the period it
started in, so a cap is decided from the sessions that began since the period did.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.clock import CHINA
from numbering.sqlutil import as_int, chunked
from provisioning.cards import services
from provisioning.cards.store import Card
from provisioning.network.tables import sessions

MB = 1024 * 1024


def period_start(card: Card, now: dt.datetime) -> dt.datetime:
    """When the card's current period began.

    >>> import types
    >>> card = types.SimpleNamespace(state="ACTIVE", state_changed_at=None)
    >>> period_start(card, dt.datetime(2026, 11, 30, 17, 0, tzinfo=dt.UTC)).isoformat()  # already December in China
    '2026-11-30T16:00:00+00:00'
    """
    if card.state == "TEST":
        return card.state_changed_at
    local = now.astimezone(CHINA)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0).astimezone(dt.UTC)


_OCTETS = func.coalesce(func.sum(sessions.c.input_octets + sessions.c.output_octets), 0)


async def used_mb(conn: AsyncConnection, card: Card, now: dt.datetime) -> float:
    """Data the card used in its current period, in MB (MiB)."""
    total = (await conn.execute(select(_OCTETS).where(
        sessions.c.iccid == card.iccid, sessions.c.started_at >= period_start(card, now)))).scalar_one()
    return as_int(total) / MB


async def used_mb_many(conn: AsyncConnection, found: list[Card], now: dt.datetime) -> dict[str, float]:
    """``used_mb`` of the capped cards among ``found`` (a page of cards: a few grouped queries)."""
    capped = [c for c in found if services.data_cap_mb(c.usage, c.state) is not None]
    out: dict[str, float] = {}
    for part in chunked(capped):
        starts = {c.iccid: period_start(c, now) for c in part}
        rows = await conn.execute(select(sessions.c.iccid, sessions.c.started_at,
                                         sessions.c.input_octets + sessions.c.output_octets)
                                  .where(sessions.c.iccid.in_(list(starts)),
                                         sessions.c.started_at >= min(starts.values())))
        for iccid, started, octets in rows:
            if started >= starts[iccid]:
                out[iccid] = out.get(iccid, 0.0) + int(octets) / MB
    return out


@dataclasses.dataclass(frozen=True)
class CardUsage:
    sessions: int
    open_sessions: int
    input_octets: int
    output_octets: int
    period_start: dt.datetime
    period_mb: float
    cap_mb: int | None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


async def card_usage(conn: AsyncConnection, card: Card, now: dt.datetime) -> CardUsage:
    s = sessions.c
    row = (await conn.execute(select(func.count(), func.coalesce(func.sum(s.input_octets), 0),
                                     func.coalesce(func.sum(s.output_octets), 0),
                                     func.count().filter(s.status == "OPEN"))
                              .where(s.iccid == card.iccid))).one()
    return CardUsage(int(row[0]), int(row[3]), as_int(row[1]), as_int(row[2]), period_start(card, now),
                     round(await used_mb(conn, card, now), 3), services.data_cap_mb(card.usage, card.state))


@dataclasses.dataclass(frozen=True)
class EnterpriseUsage:
    enterprise_id: int
    cards: int
    sessions: int
    input_octets: int
    output_octets: int

    @property
    def octets(self) -> int:
        return self.input_octets + self.output_octets

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


async def enterprise_usage(conn: AsyncConnection, *, since: dt.datetime | None = None) -> dict[int, EnterpriseUsage]:
    """Per enterprise: cards that had sessions, sessions and octets (since ``since``, or ever)."""
    s = sessions.c
    query = (select(s.enterprise_id, func.count(func.distinct(s.iccid)), func.count(),
                    func.coalesce(func.sum(s.input_octets), 0), func.coalesce(func.sum(s.output_octets), 0))
             .group_by(s.enterprise_id))
    if since is not None:
        query = query.where(s.started_at >= since)
    return {r[0]: EnterpriseUsage(r[0], int(r[1]), int(r[2]), as_int(r[3]), as_int(r[4]))
            for r in await conn.execute(query)}
