"""MSISDNs from an enterprise's blocks to cards, back into quarantine, and out again.

Lock order everywhere in this package: segment rows before block rows, each by id, so
two transactions never wait on each other in a cycle.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.checks import positive
from numbering.dbtypes import utcnow
from numbering.errors import Conflict, Exhausted, Invalid
from numbering.freelists import BLOCK_FREE, STOCK
from numbering.identifiers.profile import get_profile
from numbering.intervals import Run, runs_of
from numbering.runs import FreeRun
from numbering.sqlutil import backstop
from numbering.tables import block_free, blocks, quarantine, segments

_CHUNK = 500


async def _lock_blocks(conn: AsyncConnection, block_ids: Sequence[int]) -> None:
    if block_ids:
        await conn.execute(select(blocks.c.id).where(blocks.c.id.in_(sorted(block_ids)))
                           .order_by(blocks.c.id).with_for_update())


async def assign_msisdns(conn: AsyncConnection, enterprise_id: int, count: int) -> list[Run]:
    """Take ``count`` free numbers from the enterprise's blocks, in as few runs as possible.

    One run when any free run is big enough (best fit); otherwise the largest runs and
    a best-fit last piece. Returns inclusive ``(first, last)`` runs in number order.
    """
    positive(enterprise_id, "enterprise_id")
    positive(count, "count")
    ids = (await conn.execute(select(blocks.c.id).where(blocks.c.enterprise_id == enterprise_id))).scalars().all()
    if not ids:
        raise Exhausted(f"enterprise {enterprise_id} has no number block (0 free numbers); "
                        "allocate one with `carrier segment allocate`")
    await _lock_blocks(conn, ids)
    t = block_free
    mine = (t.c.enterprise_id == enterprise_id) & t.c.block_id.in_(ids)
    fit = (await conn.execute(select(t).where(mine, t.c.size >= count).order_by(t.c.size, t.c.first).limit(1))).first()
    if fit is not None:
        run = BLOCK_FREE.run(fit)
        await BLOCK_FREE.take(conn, run, (run.first, run.first + count - 1))
        return [(run.first, run.first + count - 1)]
    whole: list[FreeRun] = []
    left = count
    while True:  # largest runs first, keyset-paged, until the rest fits in one run
        query = select(t).where(mine).order_by(t.c.size.desc(), t.c.first).limit(_CHUNK)
        if whole:
            s, f = whole[-1].size, whole[-1].first
            query = query.where(or_(t.c.size < s, (t.c.size == s) & (t.c.first > f)))
        page = [BLOCK_FREE.run(r) for r in (await conn.execute(query))]
        if not page:
            raise Exhausted(f"enterprise {enterprise_id} has {count - left} free numbers in its blocks, "
                            f"{count} requested")
        for run in page:
            if run.size >= left:
                break
            whole.append(run)
            left -= run.size
        else:
            continue
        break
    s, f = whole[-1].size, whole[-1].first
    last_row = (await conn.execute(
        select(t).where(mine, t.c.size >= left, or_(t.c.size < s, (t.c.size == s) & (t.c.first > f)))
        .order_by(t.c.size, t.c.first).limit(1)
    )).one()
    piece = BLOCK_FREE.run(last_row)
    for i in range(0, len(whole), _CHUNK):
        await conn.execute(delete(t).where(t.c.id.in_([r.id for r in whole[i:i + _CHUNK]])))
    await BLOCK_FREE.take(conn, piece, (piece.first, piece.first + left - 1))
    return sorted([(r.first, r.last) for r in whole] + [(piece.first, piece.first + left - 1)])


async def _pieces(conn: AsyncConnection, runs: list[Run]) -> list[tuple[int, int, Run]]:
    """Split runs at block boundaries: (block id, segment id, run) each; Conflict if outside blocks."""
    out = []
    for first, last in runs:
        while first <= last:
            row = (await conn.execute(
                select(blocks.c.id, blocks.c.segment_id, blocks.c.last).where(blocks.c.first <= first)
                .order_by(blocks.c.first.desc()).limit(1)
            )).first()
            if row is None or row.last < first:
                raise Conflict(f"{first} is not assigned: it is in no enterprise's block", code="MSISDN_NOT_ASSIGNED")
            end = min(last, row.last)
            out.append((row.id, row.segment_id, (first, end)))
            first = end + 1
    return out


async def release_msisdns(conn: AsyncConnection, msisdns: Sequence[int], *, now: dt.datetime | None = None) -> None:
    """Put assigned numbers into quarantine for the profile's cooling-off period.

    All or nothing: a number that is not assigned (free, quarantined, outside every
    block) is a Conflict naming it, and nothing is released.
    """
    values = list(msisdns)
    for v in values:
        positive(v, "msisdn")
    if len(set(values)) != len(values):
        raise Invalid("a number is listed twice", field="msisdns")
    now = now or utcnow()
    pieces = await _pieces(conn, runs_of(values))
    await _lock_blocks(conn, {p[0] for p in pieces})
    enterprise = dict((await conn.execute(
        select(blocks.c.id, blocks.c.enterprise_id).where(blocks.c.id.in_({p[0] for p in pieces}))
    )).all())
    rows = []
    for block_id, segment_id, (first, last) in pieces:
        if block_id not in enterprise:
            raise Conflict(f"block {block_id} was released meanwhile; retry", code="MSISDN_NOT_ASSIGNED")
        free = await BLOCK_FREE.overlapping(conn, block_id, first, last)
        if free is not None:
            raise Conflict(f"{max(first, free.first)} is not assigned: it is free in block {block_id}",
                           code="MSISDN_NOT_ASSIGNED")
        held = (await conn.execute(
            select(quarantine.c.first, quarantine.c.last, quarantine.c.until).where(
                quarantine.c.block_id == block_id, quarantine.c.first <= last)
            .order_by(quarantine.c.first.desc()).limit(1)
        )).first()
        if held is not None and held.last >= first:
            raise Conflict(f"{max(first, held.first)} is already in quarantine until {held.until:%Y-%m-%d}",
                           code="MSISDN_NOT_ASSIGNED")
        rows.append({"segment_id": segment_id, "block_id": block_id, "enterprise_id": enterprise[block_id],
                     "first": first, "last": last, "size": last - first + 1, "released_at": now})
    days = (await get_profile(conn)).quarantine_days
    until = now + dt.timedelta(days=days)
    with backstop("a quarantined number"):
        await conn.execute(insert(quarantine), [{**r, "until": until} for r in rows])


async def expire_quarantine(conn: AsyncConnection, now: dt.datetime | None = None) -> int:
    """End the cooling-off of every run due by ``now``; returns how many numbers came free.

    A run goes back to its block's free runs, or to the segment's stock if the block
    was given back while the numbers cooled off.
    """
    now = now or utcnow()
    due = quarantine.c.until <= now
    seg_ids = sorted((await conn.execute(select(quarantine.c.segment_id).where(due).distinct())).scalars())
    if not seg_ids:
        return 0
    await conn.execute(select(segments.c.id).where(segments.c.id.in_(seg_ids))
                       .order_by(segments.c.id).with_for_update())
    rows = (await conn.execute(select(quarantine).where(due, quarantine.c.segment_id.in_(seg_ids)))).all()
    await _lock_blocks(conn, {r.block_id for r in rows if r.block_id is not None})
    freed = 0
    for r in rows:
        await conn.execute(delete(quarantine).where(quarantine.c.id == r.id))
        if r.block_id is not None:
            await BLOCK_FREE.give(conn, r.block_id, r.first, r.last, {"enterprise_id": r.enterprise_id})
        else:
            await STOCK.give(conn, r.segment_id, r.first, r.last)
        freed += r.size
    return freed
