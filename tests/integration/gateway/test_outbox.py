from __future__ import annotations

import asyncio
import time

from carrier_gateway.db import Database
from provisioning.outbox import queue


async def test_claimed_events_are_leased_then_settled(db: Database) -> None:
    async with db.write() as conn:
        await queue.enqueue_many(conn, [(1, "registration.verified", {"registration_id": i}) for i in range(5)])
    async with db.write() as conn:
        first = await queue.claim(conn, limit=3)
    async with db.write() as conn:
        second = await queue.claim(conn, limit=10)
    assert len(first) == 3 and len(second) == 2
    assert not {m.id for m in first} & {m.id for m in second}
    async with db.write() as conn:
        for m in first:
            await queue.delivered(conn, m.id)
        await queue.failed(conn, second[0], "HTTP 500")
    async with db.read() as conn:
        assert await queue.counts(conn) == {"DELIVERED": 3, "PENDING": 2}


async def test_an_expired_lease_makes_the_event_due_again(db: Database) -> None:
    async with db.write() as conn:
        await queue.enqueue(conn, 1, "card.suspended", {"iccid": "x"})
    async with db.write() as conn:
        (m,) = await queue.claim(conn)
    async with db.write() as conn:
        assert await queue.claim(conn) == []
    later = time.time() + queue.LEASE_SECONDS + 1
    async with db.write() as conn:
        again = await queue.claim(conn, now=later)
    assert [x.id for x in again] == [m.id]


async def test_failures_back_off_and_die_after_max_attempts(db: Database) -> None:
    async with db.write() as conn:
        await queue.enqueue(conn, 2, "registration.rejected", {})
    now = time.time()
    for _ in range(queue.MAX_ATTEMPTS):
        async with db.write() as conn:
            (m,) = await queue.claim(conn, now=now + 10**7)
            await queue.failed(conn, m, "connection refused", now=now)
    async with db.read() as conn:
        assert await queue.counts(conn, enterprise_id=2) == {"DEAD": 1}
    async with db.write() as conn:
        assert await queue.retry_dead(conn) == 1
        assert len(await queue.claim(conn)) == 1


async def test_concurrent_claimers_never_share_an_event(db: Database, db_url: str) -> None:
    async with db.write() as conn:
        await queue.enqueue_many(conn, [(1, "e", {"i": i}) for i in range(300)])
    other = Database(db_url)
    try:
        async def drain(d: Database) -> list[int]:
            got: list[int] = []
            while True:
                async with d.write() as conn:
                    batch = await queue.claim(conn, limit=7)
                if not batch:
                    return got
                got.extend(m.id for m in batch)

        a, b = await asyncio.gather(drain(db), drain(other))
    finally:
        await other.dispose()
    assert len(a) + len(b) == 300 and not set(a) & set(b)
