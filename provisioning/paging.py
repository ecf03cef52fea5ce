"""One page of a list, and the one way lists are paged: keyset cursors.

A list is read in the order of one unique key (an ICCID, a job id, an audit sequence
number); a page holds up to ``limit`` items and, when more follow, ``next_cursor``: the
key of its last item, as text, to pass back for the next page. Unlike an offset, a
cursor costs one index seek however deep the page, and rows written meanwhile neither
repeat nor skip an item. One row more than the limit is read, only to know whether
another page follows.

>>> from sqlalchemy import Column, Integer, MetaData, Table, select
>>> t = Table("t", MetaData(), Column("k", Integer))
>>> " ".join(str(keyset(select(t), t.c.k, 41, 2, descending=True)).split())
'SELECT t.k FROM t WHERE t.k < :k_1 ORDER BY t.k DESC LIMIT :param_1'
>>> cut([(1,), (2,), (3,)], 2, key=lambda row: row[0], item=lambda row: row[0] * 10)
Page(items=[10, 20], next_cursor='2')
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select
from sqlalchemy.ext.asyncio import AsyncConnection

T = TypeVar("T")
R = TypeVar("R")


@dataclasses.dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    #: the last item's key when more items follow, else None
    next_cursor: str | None

    def with_items(self, items: list[Any]) -> Page[Any]:
        """The same page with its items rendered (the cursor is unchanged)."""
        return Page(items, self.next_cursor)

    def to_dict(self) -> dict[str, Any]:
        """The page as every transport shows it: ``{"items": [...], "next_cursor": ...}``."""
        return {"items": self.items, "next_cursor": self.next_cursor}


def keyset(query: Select[Any], key: ColumnElement[Any], cursor: Any, limit: int, *,
           descending: bool = False) -> Select[Any]:
    """``query`` in ``key`` order, after ``cursor`` (None: from the start), ``limit`` + 1 rows."""
    if cursor is not None:
        query = query.where(key < cursor if descending else key > cursor)
    return query.order_by(key.desc() if descending else key).limit(limit + 1)


def cut(rows: Sequence[R], limit: int, *, key: Callable[[R], object], item: Callable[[R], T]) -> Page[T]:
    """The page from rows read by :func:`keyset` (``limit`` + 1 of them when more follow)."""
    kept = rows[:limit]
    more = len(rows) > limit and bool(kept)
    return Page([item(row) for row in kept], str(key(kept[-1])) if more else None)


async def read_page(conn: AsyncConnection, query: Select[Any], key: ColumnElement[Any], *, cursor: Any,
                    limit: int, item: Callable[[Any], T], descending: bool = False) -> Page[T]:
    """Read one page of ``query`` by the keyset on ``key`` (a column the query selects)."""
    rows = (await conn.execute(keyset(query, key, cursor, limit, descending=descending))).all()
    return cut(rows, limit, key=lambda row: row._mapping[key], item=item)
