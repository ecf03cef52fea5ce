from __future__ import annotations

import asyncio
import time

from sqlalchemy import func, select

from carrier_gateway.db import Database
from carrier_gateway.nonces import RETENTION_SECONDS, NonceStore
from carrier_gateway.tables import oem_nonces


async def test_a_nonce_is_accepted_once_even_within_one_batch(db: Database) -> None:
    store = NonceStore(db)
    now = int(time.time())
    results = await asyncio.gather(*(store.claim("ak", f"nonce-{i % 50:012d}", now) for i in range(200)))
    assert sum(results) == 50
    assert await store.claim("ak", "nonce-000000000001", now) is False
    assert await store.claim("other", "nonce-000000000001", now) is True


async def test_two_stores_on_one_database_share_the_nonces(db: Database, db_url: str) -> None:
    other_db = Database(db_url)
    try:
        a, b = NonceStore(db), NonceStore(other_db)
        now = int(time.time())
        results = await asyncio.gather(*(s.claim("ak", f"shared-nonce-{i:06d}", now)
                                         for i in range(100) for s in (a, b)))
        assert sum(results) == 100
    finally:
        await other_db.dispose()


async def test_purge_forgets_only_expired_nonces(db: Database) -> None:
    store = NonceStore(db)
    now = int(time.time())
    await store.claim("ak", "old-nonce-aaaaaaaaaa", now - 2 * RETENTION_SECONDS)
    await store.claim("ak", "new-nonce-aaaaaaaaaa", now)
    assert await store.purge() == 1
    async with db.read() as conn:
        assert (await conn.execute(select(func.count()).select_from(oem_nonces))).scalar_one() == 1
