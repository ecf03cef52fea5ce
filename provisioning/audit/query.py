"""Reading the trail: filtered pages (cursor = sequence number) and chunked exports."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.sqlutil import UnitOfWork
from provisioning.audit.tables import audit_head, audit_log
from provisioning.audit.trail import GENESIS
from provisioning.paging import Page, read_page

FIELDS = ("seq", "at", "actor", "action", "object_type", "object_id", "enterprise_id", "detail", "prev_hash",
          "hash")


@dataclasses.dataclass(frozen=True)
class Filters:
    actor: str | None = None
    #: an exact action, or a prefix ending in "." (``card.`` matches every card action)
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    enterprise_id: int | None = None
    #: entries at or after ``since`` and before ``until``
    since: dt.datetime | None = None
    until: dt.datetime | None = None

    def clauses(self) -> list[ColumnElement[bool]]:
        c = audit_log.c
        out: list[ColumnElement[bool]] = []
        if self.actor is not None:
            out.append(c.actor == self.actor)
        if self.action is not None:
            out.append(c.action.startswith(self.action, autoescape=True) if self.action.endswith(".")
                       else c.action == self.action)
        if self.object_type is not None:
            out.append(c.object_type == self.object_type)
        if self.object_id is not None:
            out.append(c.object_id == self.object_id)
        if self.enterprise_id is not None:
            out.append(c.enterprise_id == self.enterprise_id)
        if self.since is not None:
            out.append(c.at >= self.since)
        if self.until is not None:
            out.append(c.at < self.until)
        return out


def as_dict(row: Any) -> dict[str, Any]:
    """An entry for output, its detail parsed (it holds no personal data by rule)."""
    out = {name: getattr(row, name) for name in FIELDS}
    out["detail"] = json.loads(row.detail)
    return out


async def page(conn: AsyncConnection, filters: Filters, *, cursor: int | None = None, limit: int = 100
               ) -> Page[dict[str, Any]]:
    """Entries in sequence order; ``cursor`` is the last sequence number of the previous page."""
    return await read_page(conn, select(audit_log).where(*filters.clauses()), audit_log.c.seq, cursor=cursor,
                           limit=limit, item=as_dict)


@dataclasses.dataclass(frozen=True)
class Head:
    """The chain's last entry: its number and hash (0 and the genesis hash when empty)."""

    seq: int
    hash: str


async def head(conn: AsyncConnection) -> Head:
    row = (await conn.execute(select(audit_head.c.seq, audit_head.c.hash))).first()
    return Head(row.seq, row.hash) if row is not None else Head(0, GENESIS)


async def export(read: UnitOfWork, filters: Filters, *, upto: int | None = None,
                 chunk: int = 2000) -> AsyncIterator[dict[str, Any]]:
    """Every matching entry up to ``upto`` (default: the head as it stood when the export
    began), each chunk read in its own short transaction (bounded memory; writers are
    never held up)."""
    last = upto
    if last is None:
        async with read() as conn:
            last = (await head(conn)).seq
    after = 0
    while after < last:
        async with read() as conn:
            rows = (await conn.execute(select(audit_log).where(
                audit_log.c.seq > after, audit_log.c.seq <= last, *filters.clauses())
                .order_by(audit_log.c.seq).limit(chunk))).all()
        for row in rows:
            yield as_dict(row)
        if len(rows) < chunk:
            return
        after = rows[-1].seq
