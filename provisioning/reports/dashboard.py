"""The figures on the console's dashboard, each one query: cards by state, today's
registrations by status (China day), the verification queue's oldest item, the webhook
backlog, overdue back-registrations, number and IP utilisation."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.clock import CHINA
from numbering.ip import pool_usage
from numbering.msisdn import usage
from numbering.sqlutil import inline
from provisioning.backfill import status as backfill
from provisioning.cards.tables import cards
from provisioning.outbox import queue as outbox
from provisioning.registrations.status import RegistrationStatus
from provisioning.registrations.tables import registrations as r


@dataclasses.dataclass(frozen=True)
class Dashboard:
    cards_by_state: dict[str, int]
    registrations_today: dict[str, int]
    oldest_pending: dict[str, Any] | None
    webhooks: dict[str, int]
    backfill_overdue: int
    backfill_outstanding: int
    segments: list[dict[str, Any]]
    pools: list[dict[str, Any]]


def china_day_start(now: dt.datetime) -> dt.datetime:
    local = now.astimezone(CHINA)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(dt.UTC)


async def cards_by_state(conn: AsyncConnection) -> dict[str, int]:
    rows = await conn.execute(select(cards.c.state, func.count()).group_by(cards.c.state))
    return {state: int(n) for state, n in rows.all()}


async def registrations_since(conn: AsyncConnection, since: dt.datetime) -> dict[str, int]:
    rows = await conn.execute(select(r.c.status, func.count()).where(r.c.received_at >= since).group_by(r.c.status))
    return {status: int(n) for status, n in rows.all()}


async def oldest_pending(conn: AsyncConnection) -> dict[str, Any] | None:
    row = (await conn.execute(select(r.c.id, r.c.enterprise_id, r.c.received_at)
                              .where(r.c.status == inline(RegistrationStatus.PENDING))  # the queue's index
                              .order_by(r.c.received_at, r.c.id).limit(1))).first()
    return {"registration_id": row.id, "enterprise_id": row.enterprise_id, "received_at": row.received_at} \
        if row else None


async def gather(conn: AsyncConnection, *, now: dt.datetime, deadline: dt.date) -> Dashboard:
    late = await backfill.summary(conn, deadline=deadline, today=now.astimezone(CHINA).date())
    return Dashboard(
        cards_by_state=await cards_by_state(conn),
        registrations_today=await registrations_since(conn, china_day_start(now)),
        oldest_pending=await oldest_pending(conn),
        webhooks=await outbox.counts(conn),
        backfill_overdue=sum(e.overdue for e in late),
        backfill_outstanding=sum(e.outstanding for e in late),
        segments=await usage.segment_usage(conn),
        pools=await pool_usage.pool_usage(conn),
    )
