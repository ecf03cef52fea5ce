"""A pool's free space as aligned blocks: find the first free /L, take it, give space back.

The free space of a pool is stored as the canonical split of each maximal free range
into aligned CIDR blocks (:func:`numbering.intervals.cidr_blocks`). Any free aligned
/L lies inside one stored block of length <= L, and such a block holds an aligned /L
at its start, so the first free /L is the lowest ``first`` over the block lengths
``pool length .. L``: one index seek per length, in one statement. Taking a /L from a
block's start and splitting the rest keeps the split canonical; giving space back
merges it with the adjacent free blocks (at most 2 x 128 of them) and re-splits.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import delete, insert, select, union_all
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.intervals import cidr_blocks
from numbering.ipspace import WIDTH, from_key, to_key
from numbering.sqlutil import ConcurrentChange
from numbering.tables import pool_free


@dataclasses.dataclass(frozen=True)
class FreeBlock:
    id: int
    first: int
    last: int
    prefixlen: int


async def first_free(conn: AsyncConnection, pool_id: int, pool_prefixlen: int, prefixlen: int) -> FreeBlock | None:
    """The free block holding the lowest aligned /``prefixlen`` of the pool (unified lengths)."""
    t = pool_free
    branches = [
        select(t.c.id, t.c.first, t.c.last, t.c.prefixlen)
        .where(t.c.pool_id == pool_id, t.c.prefixlen == length).order_by(t.c.first).limit(1).subquery()
        for length in range(pool_prefixlen, prefixlen + 1)
    ]
    if not branches:
        return None
    candidates = union_all(*(select(b) for b in branches)).subquery()
    row = (await conn.execute(select(candidates).order_by(candidates.c.first).limit(1))).first()
    return FreeBlock(row.id, from_key(row.first), from_key(row.last), row.prefixlen) if row else None


async def take(conn: AsyncConnection, pool_id: int, block: FreeBlock, prefixlen: int) -> tuple[int, int]:
    """Remove the /``prefixlen`` at the start of ``block``; returns its (first, last)."""
    first, last = block.first, block.first + (1 << (WIDTH - prefixlen)) - 1
    gone = await conn.execute(delete(pool_free).where(pool_free.c.id == block.id,
                                                      pool_free.c.first == to_key(block.first)))
    if gone.rowcount != 1:
        raise ConcurrentChange(f"free block {block.first:x} changed under us; retry")
    await _insert(conn, pool_id, last + 1, block.last)
    return first, last


async def give(conn: AsyncConnection, pool_id: int, first: int, last: int) -> None:
    """Return [first, last] to the pool, merged with the free blocks around it."""
    t = pool_free
    doomed = []
    while first > 0:
        row = (await conn.execute(select(t.c.id, t.c.first).where(
            t.c.pool_id == pool_id, t.c.last == to_key(first - 1)))).first()
        if row is None:
            break
        doomed.append(row.id)
        first = from_key(row.first)
    while last < (1 << WIDTH) - 1:
        row = (await conn.execute(select(t.c.id, t.c.last).where(
            t.c.pool_id == pool_id, t.c.first == to_key(last + 1)))).first()
        if row is None:
            break
        doomed.append(row.id)
        last = from_key(row.last)
    if doomed:
        await conn.execute(delete(t).where(t.c.id.in_(doomed)))
    await _insert(conn, pool_id, first, last)


async def _insert(conn: AsyncConnection, pool_id: int, first: int, last: int) -> None:
    if first > last:
        return
    rows = [{"pool_id": pool_id, "first": to_key(start), "last": to_key(start + (1 << (WIDTH - length)) - 1),
             "prefixlen": length} for start, length in cidr_blocks(first, last, WIDTH)]
    await conn.execute(insert(pool_free), rows)

