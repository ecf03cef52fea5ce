"""The verification queue is the registrations table itself: PENDING rows that are due.

A claim moves ``due_at`` to the end of a lease; the claimer's results are written only
if the row is still PENDING with that ``due_at`` (so a slow worker whose lease ran out
cannot write over another's). A worker that dies loses nothing: its rows fall due again.
On PostgreSQL concurrent claimers skip each other's locked rows.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import Integer, Row, bindparam, literal_column, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.sqlutil import in_list, inline
from provisioning.registrations.status import RegistrationStatus
from provisioning.registrations.tables import registrations as r


class Claimed(NamedTuple):
    """A claimed registration: what the verifier reads of it (the claim returns exactly
    these columns, named as the fields). A named tuple: immutable, and made for every
    row verified at a fifth of a frozen dataclass's cost."""

    id: str
    enterprise_id: int
    card_ref: str
    stage: str
    subject_type: str
    id_type: str | None
    subject_enc: str
    doc_index: str | None
    vin: str
    imei: str | None
    sold_at: dt.date | None
    attempts: int
    failures: int
    last_error: str | None

    @classmethod
    def of(cls, row: Row[Any]) -> Claimed:
        return cls(*row)  # the claim returns exactly these columns, in this order


_CLAIM_COLUMNS = tuple(r.c[name] for name in Claimed._fields)


def _claim_statement(dialect: str) -> Any:
    # the status spelled out: the partial queue index holds PENDING rows only
    due = select(r.c.id).where(r.c.status == inline(RegistrationStatus.PENDING), r.c.due_at <= bindparam("now_s"))
    if dialect == "postgresql":
        due = due.order_by(r.c.due_at, r.c.id).with_for_update(skip_locked=True)
    else:  # the queue index holds (due_at, rowid): arrival order without a sort
        due = due.order_by(r.c.due_at, literal_column("registrations.rowid"))
    due = due.limit(bindparam("limit", type_=Integer))
    return update(r).where(r.c.id.in_(due.scalar_subquery())).values(due_at=bindparam("mark")).returning(
        *_CLAIM_COLUMNS)


#: built once per dialect: a worker claims many times a second under load
_CLAIM = {name: _claim_statement(name) for name in ("postgresql", "sqlite")}
# on SQLite an expanding list: with json_each its planner walks the lease's rows instead
_STILL_OURS = select(r.c.id).where(in_list(r.c.id, "ids", expanding_on_sqlite=True),
                                   r.c.status == RegistrationStatus.PENDING, r.c.due_at == bindparam("mark"))
_STILL_OURS_LOCKED = _STILL_OURS.with_for_update()


async def claim(conn: AsyncConnection, *, limit: int, now_s: int, lease_seconds: int) -> tuple[int, list[Claimed]]:
    """Claim up to ``limit`` due registrations, oldest first; returns (lease mark, rows).

    One statement: UPDATE ... WHERE id IN (the due ids) RETURNING the columns. Rows due
    together come in arrival order: ``rowid`` on SQLite (the partial queue index holds
    (due_at, rowid), so the claim stops after ``limit`` entries without sorting the
    backlog), ``id`` on PostgreSQL (ids ascend in arrival order, see accept.py).
    The rows are returned in id order, which is arrival order too."""
    mark = now_s + lease_seconds
    stmt = _CLAIM["postgresql" if conn.dialect.name == "postgresql" else "sqlite"]
    result = await conn.execute(stmt, {"now_s": now_s, "limit": limit, "mark": mark})
    rows = sorted((Claimed.of(row) for row in result), key=lambda row: row.id)
    return (mark, rows) if rows else (0, [])


async def still_ours(conn: AsyncConnection, ids: Sequence[str], mark: int) -> set[str]:
    """The claimed rows this worker may still decide (locks them on PostgreSQL)."""
    query = _STILL_OURS_LOCKED if conn.dialect.name == "postgresql" else _STILL_OURS
    return {row.id for row in await conn.execute(query, {"ids": list(ids), "mark": mark})}


async def release(conn: AsyncConnection, marks: dict[str, int]) -> None:
    """Make these claimed rows due now (each only if still PENDING under its lease mark):
    a process that stops gives back what it had not started on, instead of leaving it
    to its lease."""
    rows = [{"b_id": reg_id, "b_mark": mark} for reg_id, mark in marks.items()]
    if rows:
        await conn.execute(update(r).where(r.c.id == bindparam("b_id"), r.c.status == RegistrationStatus.PENDING,
                                           r.c.due_at == bindparam("b_mark")).values(due_at=int(time.time())), rows)


async def note_failures(conn: AsyncConnection, failures: dict[str, BaseException], mark: int, now_s: int) -> None:
    """Count a failed verification of these claimed rows, remember why (the error's class:
    never its text, which may quote data) and make them due again soon, backing off. A
    claim that merely ran out of lease is not a failure: only an error counts, so a slow
    identity authority never gets a registration rejected (see Verifier.max_failures)."""
    rows = [{"b_id": reg_id, "v_error": type(exc).__name__[:200]} for reg_id, exc in failures.items()]
    if rows:
        await conn.execute(update(r).where(r.c.id == bindparam("b_id"), r.c.status == RegistrationStatus.PENDING,
                                           r.c.due_at == mark)
                           .values(last_error=bindparam("v_error"), failures=r.c.failures + 1,
                                   due_at=now_s + 2 * (r.c.failures + 1)), rows)
