"""Small portable SQL helpers (SQLite and PostgreSQL)."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, ClassVar, TypeVar

from sqlalchemy import Boolean, String, Table, Text, any_, bindparam, literal, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TypeDecorator

from numbering.dbtypes import array_parameters
from numbering.errors import Conflict

_BUILT: dict[tuple[str, Table, tuple[str, ...]], Any] = {}


def inline(value: str) -> Any:
    """A constant written into the statement's text instead of bound as a parameter.

    A query meant for a partial index (``... WHERE status = 'PENDING'``) must spell the
    index's constant out: SQLite's planner cannot match a bound parameter to the index's
    WHERE clause, and scans the whole table instead (PostgreSQL's generic plans neither).
    tests/integration/test_query_plans.py holds each such query to its index."""
    return literal(value, literal_execute=True)


def insert_ignoring_conflicts(conn: AsyncConnection, table: Table, *returning: str) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING for the connection's dialect (add .values() or
    pass rows to execute), RETURNING the named columns of the rows actually inserted.

    Built once per dialect, table and columns: executing the same statement object
    again skips building it and SQLAlchemy finds it compiled by its cache key."""
    key = (conn.dialect.name, table, returning)
    stmt = _BUILT.get(key)
    if stmt is None:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(table).on_conflict_do_nothing()
        if returning:
            stmt = stmt.returning(*(table.c[name] for name in returning))
        _BUILT[key] = stmt
    return stmt


async def insert_new(conn: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]],
                     *returning: str) -> list[Any]:
    """Insert ``rows`` (every row with the same keys), skipping each one whose unique key
    is taken (ON CONFLICT DO NOTHING), and return the named columns of the rows inserted.

    On PostgreSQL it is one statement whatever the number of rows: each column goes as
    one array parameter, ``INSERT ... SELECT * FROM unnest($1::text[], ...)``, in the
    rows' order. A list of rows in ``VALUES`` would be another statement text for every
    length, each prepared and planned again on every connection that meets it (a group
    commit's length varies with the load). A column the rows leave out takes its server
    default. Elsewhere, and for columns that are not plain scalars (see
    ``numbering.dbtypes.array_parameters``) or returned through a type that reads them
    back in Python, it is ``conn.execute`` of the same INSERT ... RETURNING with the rows."""
    if not rows:
        return []
    plan = None
    if conn.dialect.name == "postgresql":
        keys = tuple(rows[0].keys())
        known = (table, keys, returning)
        if known not in _UNNEST:
            _UNNEST[known] = _unnest_plan(conn, table, keys, returning)
        plan = _UNNEST[known]
    if plan is None:
        return list(await conn.execute(insert_ignoring_conflicts(conn, table, *returning), list(rows)))
    sql, processors = plan
    columns = []
    for key, process in zip(keys, processors, strict=True):
        column = [row[key] for row in rows]
        columns.append([process(value) for value in column] if process else column)
    return list(await conn.exec_driver_sql(sql, tuple(columns)))


_UNNEST: dict[tuple[Table, tuple[str, ...], tuple[str, ...]], tuple[str, list[Any]] | None] = {}


def _unnest_plan(conn: AsyncConnection, table: Table, keys: tuple[str, ...], returning: tuple[str, ...]
                 ) -> tuple[str, list[Any]] | None:
    """(SQL, each column's bind processor or None) for :func:`insert_new` on PostgreSQL,
    or None where it goes the usual way."""
    dialect = conn.dialect
    quote = dialect.identifier_preparer.quote
    missing = [c.name for c in table.c if c.name not in keys and c.default is not None]
    if missing:  # a default made in Python would be left out here, not filled in
        raise ValueError(f"insert_new: the rows give no value for {', '.join(missing)} (a Python-side default)")
    arrays = array_parameters(dialect, [table.c[key].type for key in keys])
    if arrays is None or any(table.c[name].type.dialect_impl(dialect).result_processor(dialect, None)
                             for name in returning):
        return None
    sql = (f"INSERT INTO {dialect.identifier_preparer.format_table(table)} ({', '.join(quote(k) for k in keys)}) "
           f"SELECT * FROM unnest({', '.join(arrays)}) ON CONFLICT DO NOTHING")
    if returning:
        sql += f" RETURNING {', '.join(quote(name) for name in returning)}"
    processors = [table.c[key].type.dialect_impl(dialect).bind_processor(dialect) for key in keys]
    return sql, processors


async def insert_ignore(conn: AsyncConnection, table: Table, **values: Any) -> None:
    """Create a singleton row if it is missing."""
    await conn.execute(insert_ignoring_conflicts(conn, table).values(**values))


class _JsonList(TypeDecorator[Sequence[Any]]):
    """A list bound as one JSON array (text): SQLite's ``json_each`` reads it back."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Sequence[Any] | None, dialect: Any) -> str | None:
        if value is None:
            raise ValueError("in_list needs a list of values, not None")
        values = list(value)
        if any(isinstance(v, str) and "\x00" in v for v in values):  # json_each would cut the text there
            raise ValueError("in_list cannot look up text holding NUL (U+0000) on SQLite")
        # ASCII JSON (\u escapes): text no UTF-8 encoder takes binds too (and matches nothing)
        return json.dumps(values)


class in_list(ColumnElement[bool]):
    """``column IN (the list bound as parameter ``name``)``: the caller binds a list.

    The list is one parameter on SQLite and PostgreSQL (unless ``expanding_on_sqlite``),
    so the statement's text is the same for any length: SQLAlchemy does no work per
    value and the database reuses one prepared statement (the verifier looks up cards,
    VINs and documents by lists of up to a thousand every step, and a group commit by
    lists of every length). On SQLite it is
    bound as one JSON array and read back with ``json_each`` (~2 us a value less than an
    expanding list); SQLite's planner probes the column's index once per value either way
    (tests/integration/test_query_plans.py). On PostgreSQL it is ``column = ANY(array)``,
    an array of the column's type: an expanding list wrote one placeholder per value, so
    each length was a statement of its own to parse and plan, and the driver's cache of
    prepared statements kept few of them. Other dialects get an expanding list.

    Bind strings for a text column and integers for an integer one: ``json_each`` gives
    JSON numbers back as numbers, which never equal text in SQLite (an expanding list
    would convert them to the column's type); text holding NUL is refused on SQLite
    (``json_each`` would cut it short), as no backend stores it anyway."""

    type = Boolean()
    _is_implicitly_boolean = True  # a comparison: never written "... = 1" where there is no boolean type
    inherit_cache = True
    _traverse_internals: ClassVar = [("column", InternalTraversal.dp_clauseelement),
                                     ("name", InternalTraversal.dp_string),
                                     ("expanding_on_sqlite", InternalTraversal.dp_boolean)]

    def __init__(self, column: ColumnElement[Any], name: str, *, expanding_on_sqlite: bool = False) -> None:
        """``expanding_on_sqlite``: an expanding list on SQLite instead of ``json_each``,
        for a query whose plan SQLite would change for it (tests/integration/test_query_plans.py)."""
        self.column = column
        self.name = name
        self.expanding_on_sqlite = expanding_on_sqlite

    @property
    def _from_objects(self) -> list[Any]:
        # the column's table is FROM the statement that uses this, as with column.in_()
        return self.column._from_objects  # type: ignore[no-any-return]


@compiles(in_list)
def _in_list(element: in_list, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.column.in_(bindparam(element.name, expanding=True)), **kw)  # type: ignore[no-any-return]


@compiles(in_list, "postgresql")
def _in_list_postgresql(element: in_list, compiler: Any, **kw: Any) -> str:
    # an array of the column's type without its length: a cast to varchar(n)[] would cut
    # a longer value short, and it would then match a stored value it only begins with
    of = String() if isinstance(element.column.type, String) else element.column.type
    array = bindparam(element.name, type_=postgresql.ARRAY(of))
    return compiler.process(element.column == any_(array), **kw)  # type: ignore[no-any-return]


@compiles(in_list, "sqlite")
def _in_list_sqlite(element: in_list, compiler: Any, **kw: Any) -> str:
    if element.expanding_on_sqlite:
        return _in_list(element, compiler, **kw)
    values = compiler.process(bindparam(element.name, type_=_JsonList()), **kw)
    return f"{compiler.process(element.column, **kw)} IN (SELECT value FROM json_each({values}))"


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


def _lock_key(name: str) -> int:
    """A signed 64-bit advisory-lock key for a name (stable across processes)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


_LOCK_SQL = text("SELECT count(pg_advisory_xact_lock(k)) FROM "
                 "(SELECT unnest(CAST(:keys AS bigint[])) AS k ORDER BY k) AS ordered")


async def lock_names(conn: AsyncConnection, names: Iterable[str]) -> None:
    """Serialise every transaction that decides on the same names (a VIN, a document's
    blind index, a card) with transaction-scoped advisory locks on PostgreSQL, taken in
    ascending key order so that two deciders never wait on each other in a circle.
    Released at commit or rollback. On SQLite a write transaction already holds the
    database's one write lock (``BEGIN IMMEDIATE``), which serialises every decider."""
    if conn.dialect.name != "postgresql":
        return
    keys = sorted({_lock_key(name) for name in names})
    if keys:
        await conn.execute(_LOCK_SQL, {"keys": keys})


@contextlib.asynccontextmanager
async def savepoint(conn: AsyncConnection, name: str = "unit_of_record") -> AsyncIterator[None]:
    """A savepoint in the caller's transaction: what the block wrote is undone if it
    raises (the error goes on), kept if it ends normally.

    SQLAlchemy's ``begin_nested`` names each savepoint anew (``sa_savepoint_<n>``, counted
    per connection): on a connection kept open for many units of work every name is a
    new statement to compile and to keep in the compiled cache. One fixed name, issued
    as plain SQL, is the same statement every time; savepoints of one name may nest."""
    await conn.exec_driver_sql(f"SAVEPOINT {name}")
    try:
        yield
    except BaseException:
        await conn.exec_driver_sql(f"ROLLBACK TO SAVEPOINT {name}")
        await conn.exec_driver_sql(f"RELEASE SAVEPOINT {name}")
        raise
    await conn.exec_driver_sql(f"RELEASE SAVEPOINT {name}")


#: opens one transaction (``Database.write``, ``Database.read``...) for code that runs several
UnitOfWork = Callable[[], AbstractAsyncContextManager[AsyncConnection]]

T = TypeVar("T")


def chunked(items: Sequence[T], size: int = 400) -> Iterator[list[T]]:
    """``items`` in slices of at most ``size`` (an IN list that every backend takes).

    >>> list(chunked([1, 2, 3], 2))
    [[1, 2], [3]]
    """
    for start in range(0, len(items), size):
        yield list(items[start:start + size])
