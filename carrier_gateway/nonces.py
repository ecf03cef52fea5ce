"""The shared single-use nonce store, written in batches (one transaction per burst)."""

from __future__ import annotations

import time
from collections.abc import Sequence

from sqlalchemy import bindparam, delete, select

from carrier_gateway.batching import Batcher
from carrier_gateway.db import Database
from carrier_gateway.signing import MAX_SKEW_SECONDS
from carrier_gateway.tables import oem_nonces
from numbering.sqlutil import insert_ignoring_conflicts

#: keep a nonce a little longer than its timestamp can be accepted
RETENTION_SECONDS = MAX_SKEW_SECONDS + 60


#: The claimed (key, nonce) pairs among ``key_ids`` x ``nonces`` (two lists): read with the
#: keys themselves, to refuse a replay before its body is read. ``NonceStore.claim`` still
#: decides: two copies of one request may both pass this.
USED_NONCES = select(oem_nonces.c.key_id, oem_nonces.c.nonce).where(
    oem_nonces.c.key_id.in_(bindparam("key_ids", expanding=True)),
    oem_nonces.c.nonce.in_(bindparam("nonces", expanding=True)))


class NonceStore:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._batcher: Batcher[tuple[str, str, int], bool] = Batcher(self._flush, max_batch=2000)

    async def claim(self, key_id: str, nonce: str, timestamp: int) -> bool:
        """True the first time a (key, nonce) pair is seen, False on every replay."""
        return await self._batcher.submit((key_id, nonce, timestamp + RETENTION_SECONDS))

    async def _flush(self, items: Sequence[tuple[str, str, int]]) -> list[bool]:
        seen: set[tuple[str, str]] = set()
        rows, first = [], []
        for key_id, nonce, expires in items:
            pair = (key_id, nonce)
            first.append(pair not in seen)
            if pair not in seen:
                seen.add(pair)
                rows.append({"key_id": key_id, "nonce": nonce, "expires_at": expires})
        async with self._db.write() as conn:
            stmt = insert_ignoring_conflicts(conn, oem_nonces).returning(oem_nonces.c.key_id, oem_nonces.c.nonce)
            inserted = {(r.key_id, r.nonce) for r in await conn.execute(stmt, rows)}
        return [is_first and (k, n) in inserted for (k, n, _), is_first in zip(items, first, strict=True)]

    async def purge(self, now: float | None = None) -> int:
        async with self._db.write() as conn:
            result = await conn.execute(delete(oem_nonces).where(oem_nonces.c.expires_at < int(now or time.time())))
        return result.rowcount or 0

    async def drain(self) -> None:
        await self._batcher.drain()


__all__ = ["USED_NONCES", "NonceStore"]
