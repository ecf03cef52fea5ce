"""The verification queue is the registrations table itself: PENDING rows that are due.

A claim moves ``due_at`` to the end of a lease; the claimer's results are written only
if the row is still PENDING with that ``due_at`` (so a slow worker whose lease ran out
cannot write over another's). A worker that dies loses nothing: its rows fall due again.
On PostgreSQL concurrent claimers skip each other's locked rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from provisioning.registrations.tables import registrations as r

_CLAIM_COLUMNS = (r.c.id, r.c.enterprise_id, r.c.card_ref, r.c.stage, r.c.subject_type, r.c.id_type,
                  r.c.subject_enc, r.c.doc_index, r.c.vin, r.c.imei, r.c.sold_at, r.c.attempts)


async def claim(conn: AsyncConnection, *, limit: int, now_s: int, lease_seconds: int) -> tuple[int, list[Any]]:
    """Claim up to ``limit`` due registrations, oldest first; returns (lease mark, rows).

    One statement: UPDATE ... WHERE id IN (the due ids) RETURNING the columns. Ordering
    by ``due_at`` alone lets the partial queue index stop after ``limit`` entries (rows
    due in the same second come in index order: arrival order on SQLite)."""
    due = (select(r.c.id).where(r.c.status == "PENDING", r.c.due_at <= now_s)
           .order_by(r.c.due_at).limit(limit))
    if conn.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    mark = now_s + lease_seconds
    stmt = update(r).where(r.c.id.in_(due.scalar_subquery())).values(due_at=mark).returning(*_CLAIM_COLUMNS)
    rows = sorted((await conn.execute(stmt)).all(), key=lambda row: row.id)
    return (mark, rows) if rows else (0, [])


async def still_ours(conn: AsyncConnection, ids: Sequence[str], mark: int) -> set[str]:
    """The claimed rows this worker may still decide (locks them on PostgreSQL)."""
    query = select(r.c.id).where(r.c.id.in_(ids), r.c.status == "PENDING", r.c.due_at == mark)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    return {row.id for row in await conn.execute(query)}
