"""Number segments: the carrier's stock of IoT MSISDNs and the blocks it gives enterprises.

Each function takes the caller's connection inside a write transaction. Allocation
locks the one segment row (``SELECT ... FOR UPDATE``; on SQLite the ``BEGIN
IMMEDIATE`` write transaction already serialises writers), recomputes the best fit
from the free runs, then writes; UNIQUE constraints on block bounds are the backstop.

Assigning numbers to cards, releasing them into quarantine and expiring the quarantine
live in :mod:`numbering.msisdn.assignment` and are re-exported here.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering import checks
from numbering.checks import positive
from numbering.errors import Conflict, Exhausted, Invalid, NotFound
from numbering.freelists import BLOCK_FREE, STOCK
from numbering.identifiers import msisdn, profile
from numbering.msisdn.assignment import assign_msisdns, expire_quarantine, release_msisdns
from numbering.runs import FreeRun
from numbering.sqlutil import backstop
from numbering.tables import block_free, blocks, quarantine, segment_free, segments

__all__ = ["Block", "add_segment", "allocate_block", "assign_msisdns", "expire_quarantine", "find_block",
           "release_block", "release_msisdns"]

_ATTEMPTS = 5


@dataclasses.dataclass(frozen=True)
class Block:
    id: int
    segment_id: int
    enterprise_id: int
    first: int
    last: int

    @property
    def count(self) -> int:
        return self.last - self.first + 1


async def add_segment(conn: AsyncConnection, first: int, last: int, label: str = "") -> dict[str, Any]:
    """Add [first, last] to stock: inside the carrier's IoT prefixes, overlapping nothing."""
    positive(first, "first")
    positive(last, "last")
    checks.label(label)
    carrier = await profile.lock(conn)
    try:
        msisdn.check_range(first, last, carrier.key)
    except ValueError as exc:
        raise Invalid(str(exc), code="MSISDN_INVALID", field="first" if str(first) in str(exc) else "last") from None
    clash = (await conn.execute(
        select(segments.c.id, segments.c.first, segments.c.last)
        .where(segments.c.first <= last, segments.c.last >= first).order_by(segments.c.first).limit(1)
    )).first()
    if clash is not None:
        raise Conflict(f"{first}-{last} overlaps segment {clash.id} ({clash.first}-{clash.last})",
                       code="SEGMENT_OVERLAP")
    with backstop(f"segment {first}-{last}"):
        seg_id = (await conn.execute(
            insert(segments).values(first=first, last=last, label=label).returning(segments.c.id)
        )).scalar_one()
    await STOCK.insert(conn, seg_id, first, last)
    return {"id": seg_id, "first": first, "last": last, "label": label, "total": last - first + 1}


async def _lock_segment(conn: AsyncConnection, segment_id: int) -> None:
    found = (await conn.execute(select(segments.c.id).where(segments.c.id == segment_id).with_for_update())).first()
    if found is None:
        raise NotFound(f"no number segment {segment_id}", params={"segment": segment_id})


async def _best_fit(conn: AsyncConnection, count: int, segment_id: int | None) -> FreeRun | None:
    """The smallest free run holding ``count`` (lowest first on ties)."""
    t = segment_free
    query = select(t).where(t.c.size >= count)
    if segment_id is not None:
        query = query.where(t.c.segment_id == segment_id)
    row = (await conn.execute(query.order_by(t.c.size, t.c.first).limit(1))).first()
    return STOCK.run(row) if row else None


async def _largest(conn: AsyncConnection, segment_id: int | None) -> int:
    query = select(func.max(segment_free.c.size))
    if segment_id is not None:
        query = query.where(segment_free.c.segment_id == segment_id)
    return int((await conn.execute(query)).scalar() or 0)


async def allocate_block(conn: AsyncConnection, enterprise_id: int, count: int, *,
                         segment_id: int | None = None) -> Block:
    """Give ``enterprise_id`` one contiguous block of ``count`` numbers (best fit)."""
    positive(enterprise_id, "enterprise_id")
    positive(count, "count")
    if segment_id is not None:
        await _lock_segment(conn, segment_id)
    for _ in range(_ATTEMPTS):
        candidate = await _best_fit(conn, count, segment_id)
        if candidate is None:
            largest = await _largest(conn, segment_id)
            scope = f"segment {segment_id}" if segment_id is not None else "the stock"
            raise Exhausted(f"{scope} has no run of {count} contiguous free numbers (the largest is {largest})")
        if segment_id is None:  # lock the segment found, then recompute under the lock
            await _lock_segment(conn, candidate.owner)
            candidate = await _best_fit(conn, count, candidate.owner)
            if candidate is None:
                continue
        seg_id = candidate.owner
        first, last = candidate.first, candidate.first + count - 1
        await STOCK.take(conn, candidate, (first, last))
        with backstop(f"block {first}-{last}"):
            block_id = (await conn.execute(
                insert(blocks).values(segment_id=seg_id, enterprise_id=enterprise_id, first=first, last=last)
                .returning(blocks.c.id)
            )).scalar_one()
        await BLOCK_FREE.insert(conn, block_id, first, last, {"enterprise_id": enterprise_id})
        return Block(block_id, seg_id, enterprise_id, first, last)
    raise Conflict("the segments changed too often while allocating; retry")


async def find_block(conn: AsyncConnection, ref: int) -> Block:
    """A block by its id, or by its first number (13 digits)."""
    column = blocks.c.first if ref >= 10**12 else blocks.c.id
    row = (await conn.execute(select(blocks).where(column == ref))).first()
    if row is None:
        raise NotFound(f"no number block {'starting at ' if ref >= 10**12 else ''}{ref}")
    return Block(row.id, row.segment_id, row.enterprise_id, row.first, row.last)


async def release_block(conn: AsyncConnection, ref: int) -> Block:
    """Give a block back to stock; refused while any of its numbers is assigned.

    Its quarantined numbers stay in quarantine and go to stock when they expire.
    """
    block = await find_block(conn, ref)
    await _lock_segment(conn, block.segment_id)
    locked = (await conn.execute(select(blocks.c.id).where(blocks.c.id == block.id).with_for_update())).first()
    if locked is None:
        raise NotFound(f"no number block {ref}")
    free_runs = (await conn.execute(
        select(block_free.c.first, block_free.c.last).where(block_free.c.block_id == block.id)
    )).all()
    held = (await conn.execute(
        select(func.coalesce(func.sum(quarantine.c.size), 0)).where(quarantine.c.block_id == block.id)
    )).scalar_one()
    assigned = block.count - sum(r.last - r.first + 1 for r in free_runs) - int(held)
    if assigned:
        raise Conflict(f"block {block.id} ({block.first}-{block.last}) still has {assigned} numbers assigned "
                       "to cards; terminate those cards first", code="BLOCK_IN_USE")
    await conn.execute(delete(block_free).where(block_free.c.block_id == block.id))
    await conn.execute(update(quarantine).where(quarantine.c.block_id == block.id).values(block_id=None))
    await conn.execute(delete(blocks).where(blocks.c.id == block.id))
    for run in free_runs:
        await STOCK.give(conn, block.segment_id, run.first, run.last)
    return block
