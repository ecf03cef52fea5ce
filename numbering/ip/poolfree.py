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
import functools

from sqlalchemy import TextClause, delete, insert, select, text
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


@functools.lru_cache(maxsize=256)
def _first_free_sql(lengths: int) -> TextClause:
    """One index seek per block length, in one statement (plain SQL: building this many
    subqueries with the expression language costs more than running them)."""
    branch = ("SELECT * FROM (SELECT id, first, last, prefixlen FROM numbering_pool_free "
              "WHERE pool_id = :pool AND prefixlen = :len{i} ORDER BY first LIMIT 1) AS b{i}")
    union = " UNION ALL ".join(branch.format(i=i) for i in range(lengths))
    return text(f"SELECT id, first, last, prefixlen FROM ({union}) AS fits ORDER BY first LIMIT 1")


async def first_free(conn: AsyncConnection, pool_id: int, pool_prefixlen: int, prefixlen: int) -> FreeBlock | None:
    """The free block holding the lowest aligned /``prefixlen`` of the pool (unified lengths)."""
    lengths = range(pool_prefixlen, prefixlen + 1)
    if not lengths:
        return None
    params = {"pool": pool_id, **{f"len{i}": length for i, length in enumerate(lengths)}}
    row = (await conn.execute(_first_free_sql(len(lengths)), params)).first()
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

