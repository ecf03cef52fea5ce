"""Enqueue in the caller's transaction; claim with a lease; settle after delivery.

A claimed event's ``due_at`` moves to the end of its lease, so a process that dies
mid-delivery loses nothing: the event becomes due again and another process takes it.
On PostgreSQL concurrent claimers skip each other's rows (FOR UPDATE SKIP LOCKED).
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Integer, bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.dbtypes import executemany, utcnow
from numbering.sqlutil import in_list
from provisioning.outbox.tables import outbox

LEASE_SECONDS = 60
MAX_ATTEMPTS = 25
#: retry delays grow 2**n seconds, capped at an hour (about a day of retries in all)
MAX_BACKOFF_SECONDS = 3600


@dataclasses.dataclass(frozen=True)
class Message:
    id: int
    enterprise_id: int
    event: str
    payload: str
    attempts: int


async def enqueue(conn: AsyncConnection, enterprise_id: int, event: str, payload: Mapping[str, Any]) -> None:
    await enqueue_many(conn, [(enterprise_id, event, payload)])


_ENQUEUE = insert(outbox)


async def enqueue_many(conn: AsyncConnection, items: Iterable[tuple[int, str, Mapping[str, Any]]]) -> int:
    now = int(time.time())
    rows = [{"enterprise_id": e, "event": ev, "payload": json.dumps(p, ensure_ascii=False, sort_keys=True),
             "due_at": now} for e, ev, p in items]
    await executemany(conn, _ENQUEUE, rows)
    return len(rows)


# Built once (the webhook worker claims whenever it is woken).
_DUE = (select(outbox.c.id, outbox.c.enterprise_id, outbox.c.event, outbox.c.payload, outbox.c.attempts)
        .where(outbox.c.status == "PENDING", outbox.c.due_at <= bindparam("now_s"))
        .order_by(outbox.c.due_at, outbox.c.id).limit(bindparam("limit", type_=Integer)))
_DUE_LOCKED = _DUE.with_for_update(skip_locked=True)
_LEASE = update(outbox).where(in_list(outbox.c.id, "ids", expanding_on_sqlite=True)).values(due_at=bindparam("until"))


async def claim(conn: AsyncConnection, limit: int = 100, *, now: float | None = None) -> list[Message]:
    now_s = int(time.time() if now is None else now)
    query = _DUE_LOCKED if conn.dialect.name == "postgresql" else _DUE
    rows = (await conn.execute(query, {"now_s": now_s, "limit": limit})).all()
    if rows:
        await conn.execute(_LEASE, {"ids": [r.id for r in rows], "until": now_s + LEASE_SECONDS})
    return [Message(r.id, r.enterprise_id, r.event, r.payload, r.attempts) for r in rows]


async def delivered(conn: AsyncConnection, message_id: int) -> None:
    await conn.execute(update(outbox).where(outbox.c.id == message_id)
                       .values(status="DELIVERED", delivered_at=utcnow(), attempts=outbox.c.attempts + 1,
                               last_error=None))


async def delivered_many(conn: AsyncConnection, message_ids: Iterable[int]) -> None:
    """:func:`delivered` for many events in one statement."""
    ids = list(message_ids)
    if ids:
        await conn.execute(update(outbox).where(outbox.c.id.in_(ids))
                           .values(status="DELIVERED", delivered_at=utcnow(), attempts=outbox.c.attempts + 1,
                                   last_error=None))


async def failed(conn: AsyncConnection, message: Message, error: str, *, now: float | None = None) -> None:
    attempts = message.attempts + 1
    delay = min(2 ** attempts, MAX_BACKOFF_SECONDS)
    status = "DEAD" if attempts >= MAX_ATTEMPTS else "PENDING"
    await conn.execute(update(outbox).where(outbox.c.id == message.id)
                       .values(attempts=attempts, status=status, last_error=error[:300],
                               due_at=int(time.time() if now is None else now) + delay))


async def counts(conn: AsyncConnection, enterprise_id: int | None = None) -> dict[str, int]:
    query = select(outbox.c.status, func.count()).group_by(outbox.c.status)
    if enterprise_id is not None:
        query = query.where(outbox.c.enterprise_id == enterprise_id)
    return {status: n for status, n in (await conn.execute(query)).all()}


async def retry_dead(conn: AsyncConnection, enterprise_id: int | None = None) -> int:
    """Ops: give dead events another round of attempts."""
    stmt = update(outbox).where(outbox.c.status == "DEAD").values(status="PENDING", attempts=0,
                                                                 due_at=int(time.time()))
    if enterprise_id is not None:
        stmt = stmt.where(outbox.c.enterprise_id == enterprise_id)
    return (await conn.execute(stmt)).rowcount or 0
