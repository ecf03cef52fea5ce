"""Utilisation of number segments, per segment and per enterprise.

Every number of a segment is in exactly one state: ``stock`` (free, unallocated),
``allocated`` (in an enterprise block, free there or assigned to a card) or
``quarantined`` (released, cooling off), so ``stock + allocated + quarantined ==
total``; ``assigned`` is the part of ``allocated`` held by cards.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.errors import NotFound
from numbering.sqlutil import as_int
from numbering.tables import block_free, blocks, quarantine, segment_free, segments


async def _sums(conn: AsyncConnection, query: Any) -> dict[Any, int]:
    return {k: as_int(v) for k, v in (await conn.execute(query))}


async def segment_usage(conn: AsyncConnection, segment_id: int | None = None) -> list[dict[str, Any]]:
    """One row per segment (or just ``segment_id``) with its utilisation."""
    query = select(segments).order_by(segments.c.first)
    if segment_id is not None:
        query = query.where(segments.c.id == segment_id)
    rows = (await conn.execute(query)).all()
    if segment_id is not None and not rows:
        raise NotFound(f"no number segment {segment_id}", params={"segment": segment_id})
    size = blocks.c.last - blocks.c.first + 1
    stock = await _sums(conn, select(segment_free.c.segment_id, func.sum(segment_free.c.size))
                        .group_by(segment_free.c.segment_id))
    in_blocks = await _sums(conn, select(blocks.c.segment_id, func.sum(size)).group_by(blocks.c.segment_id))
    n_blocks = await _sums(conn, select(blocks.c.segment_id, func.count()).group_by(blocks.c.segment_id))
    block_spare = await _sums(conn, select(blocks.c.segment_id, func.sum(block_free.c.size))
                              .join(blocks, blocks.c.id == block_free.c.block_id).group_by(blocks.c.segment_id))
    held = await _sums(conn, select(quarantine.c.segment_id, func.sum(quarantine.c.size))
                       .group_by(quarantine.c.segment_id))
    held_in_blocks = await _sums(conn, select(quarantine.c.segment_id, func.sum(quarantine.c.size))
                                 .where(quarantine.c.block_id.is_not(None)).group_by(quarantine.c.segment_id))
    out = []
    for r in rows:
        allocated = in_blocks.get(r.id, 0) - held_in_blocks.get(r.id, 0)
        total = r.last - r.first + 1
        out.append({
            "id": r.id, "first": str(r.first), "last": str(r.last), "label": r.label,
            "total": total, "stock": stock.get(r.id, 0), "allocated": allocated,
            "assigned": allocated - block_spare.get(r.id, 0), "quarantined": held.get(r.id, 0),
            "blocks": n_blocks.get(r.id, 0), "created_at": r.created_at,
        })
    return out


async def block_usage(conn: AsyncConnection, *, enterprise_id: int | None = None,
                      segment_id: int | None = None) -> list[dict[str, Any]]:
    """Blocks (of one enterprise or one segment) with free, assigned and quarantined counts."""
    query = select(blocks).order_by(blocks.c.first)
    if enterprise_id is not None:
        query = query.where(blocks.c.enterprise_id == enterprise_id)
    if segment_id is not None:
        query = query.where(blocks.c.segment_id == segment_id)
    rows = (await conn.execute(query)).all()
    ids = [r.id for r in rows]
    spare = await _sums(conn, select(block_free.c.block_id, func.sum(block_free.c.size))
                        .where(block_free.c.block_id.in_(ids)).group_by(block_free.c.block_id))
    held = await _sums(conn, select(quarantine.c.block_id, func.sum(quarantine.c.size))
                       .where(quarantine.c.block_id.in_(ids)).group_by(quarantine.c.block_id))
    out = []
    for r in rows:
        count = r.last - r.first + 1
        free, cooling = spare.get(r.id, 0), held.get(r.id, 0)
        out.append({"id": r.id, "segment_id": r.segment_id, "enterprise_id": r.enterprise_id,
                    "first": str(r.first), "last": str(r.last), "count": count, "free": free,
                    "assigned": count - free - cooling, "quarantined": cooling, "allocated_at": r.allocated_at})
    return out


async def enterprise_usage(conn: AsyncConnection, enterprise_id: int) -> dict[str, Any]:
    """An enterprise's blocks and totals; ``quarantined`` also counts numbers of blocks
    it has given back that are still cooling off."""
    items = await block_usage(conn, enterprise_id=enterprise_id)
    cooling = as_int((await conn.execute(
        select(func.sum(quarantine.c.size)).where(quarantine.c.enterprise_id == enterprise_id)
    )).scalar())
    return {
        "enterprise_id": enterprise_id,
        "blocks": items,
        "allocated": sum(b["count"] for b in items),
        "free": sum(b["free"] for b in items),
        "assigned": sum(b["assigned"] for b in items),
        "quarantined": cooling,
    }
