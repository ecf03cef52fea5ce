"""Single-use nonces of signed requests, shared by every process through one table.

A request's nonce is claimed in a write transaction: the single registration push
claims it in the same group commit that stores its record (``claim_nonces`` in the
caller's transaction), every other request through ``NonceStore`` (one transaction per
burst of requests)."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from carrier_gateway.batching import Batcher
from carrier_gateway.db import Database
from carrier_gateway.signing import MAX_SKEW_SECONDS
from carrier_gateway.tables import oem_nonces
from numbering.sqlutil import in_list, insert_new

#: keep a nonce a little longer than its timestamp can be accepted
RETENTION_SECONDS = MAX_SKEW_SECONDS + 60


#: The claimed (key, nonce) pairs among ``key_ids`` x ``nonces`` (two lists): read with the
#: keys themselves, to refuse a replay before its body is read. ``NonceStore.claim`` still
#: decides: two copies of one request may both pass this.
USED_NONCES = select(oem_nonces.c.key_id, oem_nonces.c.nonce).where(
    in_list(oem_nonces.c.key_id, "key_ids"),
    in_list(oem_nonces.c.nonce, "nonces"))


@dataclasses.dataclass(frozen=True, slots=True)
class NonceClaim:
    """A request's (key, nonce), kept until ``expires_at`` (Unix seconds)."""

    key_id: str
    nonce: str
    expires_at: int

    @classmethod
    def of(cls, key_id: str, nonce: str, timestamp: int) -> NonceClaim:
        return cls(key_id, nonce, timestamp + RETENTION_SECONDS)


async def claim_nonces(conn: AsyncConnection, claims: Sequence[NonceClaim]) -> list[bool]:
    """Insert the claims in the caller's transaction; per claim, True if it is the
    first use of its (key, nonce). The primary key decides, so a pair claimed by
    another transaction (another process) at the same time is refused here once that
    one commits; the same pair twice in ``claims`` is first only once."""
    if not claims:
        return []
    seen: set[tuple[str, str]] = set()
    rows, first = [], []
    for claim in claims:
        pair = (claim.key_id, claim.nonce)
        first.append(pair not in seen)
        if pair not in seen:
            seen.add(pair)
            rows.append({"key_id": claim.key_id, "nonce": claim.nonce, "expires_at": claim.expires_at})
    rows.sort(key=lambda row: (row["key_id"], row["nonce"]))  # one lock order for every writer
    inserted = {(r.key_id, r.nonce) for r in await insert_new(conn, oem_nonces, rows, "key_id", "nonce")}
    return [is_first and (c.key_id, c.nonce) in inserted for c, is_first in zip(claims, first, strict=True)]


class NonceStore:
    """Nonce claims of requests whose handler writes nothing else in the same moment,
    batched: the requests claiming together share one transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._batcher: Batcher[NonceClaim, bool] = Batcher(self._flush, max_batch=2000)

    async def claim(self, key_id: str, nonce: str, timestamp: int) -> bool:
        """True the first time a (key, nonce) pair is seen, False on every replay."""
        return await self._batcher.submit(NonceClaim.of(key_id, nonce, timestamp))

    async def _flush(self, items: Sequence[NonceClaim]) -> list[bool]:
        async with self._db.write() as conn:
            return await claim_nonces(conn, items)

    async def purge(self, now: float | None = None) -> int:
        async with self._db.write() as conn:
            result = await conn.execute(delete(oem_nonces).where(oem_nonces.c.expires_at < int(now or time.time())))
        return result.rowcount or 0

    async def drain(self) -> None:
        await self._batcher.drain()


__all__ = ["USED_NONCES", "NonceClaim", "NonceStore", "claim_nonces"]
