"""Small portable SQL helpers (SQLite and PostgreSQL)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.errors import Conflict


async def insert_ignore(conn: AsyncConnection, table: Table, **values: Any) -> None:
    """INSERT ... ON CONFLICT DO NOTHING: create a singleton row if it is missing."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    await conn.execute(dialect.insert(table).values(**values).on_conflict_do_nothing())


class ConcurrentChange(Conflict):
    """A UNIQUE constraint or a guarded update caught two writers on the same rows."""

    code = "CONCURRENT_CHANGE"


@contextlib.contextmanager
def backstop(what: str) -> Iterator[None]:
    """Turn a UNIQUE violation into a Conflict: the locks should make this unreachable,
    the constraint is there in case they do not."""
    try:
        yield
    except IntegrityError as exc:
        raise ConcurrentChange(f"{what} was taken by a concurrent request; retry") from exc


def as_int(value: Any) -> int:
    """SUM() of BIGINT is NUMERIC on PostgreSQL and may be NULL: always an int here."""
    return int(value or 0)
