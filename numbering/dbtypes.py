"""Column types and conventions shared by every package's tables, and ``executemany``:
many rows written through those types without SQLAlchemy's work per row (SQLite)."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import weakref
from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    Float,
    Integer,
    Interval,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Uuid,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import operators
from sqlalchemy.sql.dml import Insert, Update, UpdateBase
from sqlalchemy.sql.elements import BinaryExpression, BindParameter, BooleanClauseList
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_metadata() -> MetaData:
    """A package's own MetaData, with the shared constraint naming convention."""
    return MetaData(naming_convention=NAMING_CONVENTION)


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC timestamp on every backend.

    SQLite has no time zones: values are stored as UTC and read back aware.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(dt.UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)

    # On SQLite each value would pass through two processors, ours above and the
    # DATETIME type's (which formats and parses the text). Verification binds and reads
    # several timestamps per record, so SQLite gets one processor each way that does
    # both: the same text stored ("YYYY-MM-DD HH:MM:SS.ffffff", UTC), the same aware
    # datetime read back. A batch binds one ``now`` for every row: the last value's
    # text is reused for the same object.

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)
        utc = dt.UTC
        last: tuple[Any, Any] = (None, None)

        def process(value: dt.datetime | None) -> str | None:
            nonlocal last
            if value is None:
                return None
            seen, text = last
            if value is seen:
                return text  # type: ignore[no-any-return]
            if value.tzinfo is None:
                raise ValueError("naive datetime given to a UTC column")
            text = value.astimezone(utc).replace(tzinfo=None).isoformat(" ", "microseconds")
            last = (value, text)
            return text

        return process

    def result_processor(self, dialect: Dialect, coltype: Any) -> Callable[[Any], Any] | None:
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        utc, parse = dt.UTC, dt.datetime.fromisoformat

        def process(value: str | None) -> dt.datetime | None:
            if value is None:
                return None
            try:  # stored as UTC without an offset: parsed with one (7x faster than .replace(tzinfo=))
                parsed = parse(value + "+00:00")
            except ValueError:  # the text carries an offset of its own
                parsed = parse(value)
                return parsed.replace(tzinfo=utc) if parsed.tzinfo is None else parsed.astimezone(utc)
            return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=utc)  # a date alone

        return process


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def executemany(conn: AsyncConnection, stmt: UpdateBase, rows: Sequence[Mapping[str, Any]], *,
                      rows_locked: bool = False) -> int:
    """``conn.execute(stmt, rows)`` for an INSERT or UPDATE without RETURNING (every row
    with the same keys), without SQLAlchemy's work per row; returns the number of rows
    the statement changed in all (-1 where the driver cannot tell).

    For each row of an executemany SQLAlchemy builds the statement's whole parameter
    set and runs each value's type processing in Python: ~3 us a row of 7 values here,
    more than SQLite takes to write the row. On SQLite and PostgreSQL the statement is
    compiled once per backend (the same SQL SQLAlchemy runs) and the rows go to the
    driver as tuples, a value through its type's bind processor only where the type has
    one (timestamps). A parameter the rows lack (a column default SQLAlchemy would fill
    in) is a KeyError, never a silently different write. On SQLite the rows go in pieces
    of :data:`SQLITE_ROWS_PER_CALL`, the event loop running between them (the statement
    runs on the loop's thread).

    On PostgreSQL an INSERT's rows go as one statement, each parameter an array of its
    values (``INSERT ... SELECT ... FROM unnest(...)``, in the rows' order): the server
    runs its executor once, not once a row, and counts the rows written. An UPDATE goes
    that way (``UPDATE ... FROM unnest(...) WHERE``) only when the caller says
    ``rows_locked``: this transaction holds every target row's lock already (read FOR
    UPDATE), and the rows change nothing another row's change depends on, because the
    statement visits its targets in its plan's order, not the rows' (on a unique value
    handed from one row to the next, or on locks taken in that order, the two differ);
    and only when its WHERE pins every primary-key column to a parameter (in its
    top-level AND) and no two rows name the same key, so each row changes its own
    target. Otherwise (and for ON CONFLICT DO UPDATE, types that are not plain scalars,
    SQL this cannot rewrite safely) the rows go one by one in one driver call. Other
    backends run ``conn.execute``."""
    if not rows:
        return 0
    backend = conn.dialect.name
    if backend not in ("sqlite", "postgresql"):
        return (await conn.execute(stmt, list(rows))).rowcount
    plans = _PLANS.setdefault(stmt, {})
    key = (backend, tuple(rows[0].keys()))
    plan = plans.get(key)
    if plan is None:
        plan = plans[key] = _plan(conn.dialect, stmt, key[1])
    sql, fixed, process_at, take, as_set = plan
    params: list[tuple[Any, ...]] = []
    for row in rows:  # each row's values in the statement's order, in C; processed where a type says so
        values = take({**fixed, **row} if fixed else row)
        if process_at:
            changed = list(values)
            for i, process in process_at:
                changed[i] = process(changed[i])
            values = tuple(changed)
        params.append(values)
    if backend != "sqlite":  # the driver awaits the server: the loop runs meanwhile
        if as_set is not None and (rows_locked or not as_set[1]):
            set_sql, keys_at = as_set
            if not keys_at or len({tuple(values[i] for i in keys_at) for values in params}) == len(params):
                columns = tuple(list(column) for column in zip(*params, strict=True))
                return (await conn.exec_driver_sql(set_sql, columns)).rowcount
        return (await conn.exec_driver_sql(sql, params)).rowcount
    changed = 0
    for start in range(0, len(params), SQLITE_ROWS_PER_CALL):
        if start:  # the loop runs between the pieces (this transaction keeps the connection)
            await asyncio.sleep(0)
        changed += (await conn.exec_driver_sql(sql, params[start:start + SQLITE_ROWS_PER_CALL])).rowcount
    return changed


#: rows per driver call of an executemany on SQLite: the call runs on the event loop's
#: thread (carrier_gateway/sqlitedriver.py), so a large one goes in pieces of this many
#: rows (a few milliseconds each) and the loop serves other requests between them
SQLITE_ROWS_PER_CALL = 128


#: statement -> (dialect, row keys) -> its plan: compiled once per statement and
#: backend (a module constant usually; one built per call is forgotten with it)
_PLANS: weakref.WeakKeyDictionary[Any, dict[tuple[str, tuple[str, ...]], Any]] = weakref.WeakKeyDictionary()


def _plan(dialect: Dialect, stmt: UpdateBase, keys: tuple[str, ...]
          ) -> tuple[str, dict[str, Any], list[Any], Any, tuple[str, tuple[int, ...]] | None]:
    """(SQL, the values the statement holds itself, the positions needing a type's
    bind processor, a getter of a row's values in the statement's order, and on
    PostgreSQL the statement taking arrays with the positions of the key parameters
    that must differ from row to row, see :func:`_as_set`)."""
    if isinstance(stmt, Insert):  # no RETURNING of the new keys (PostgreSQL's default): nobody reads them
        stmt = stmt.inline()
    compiled = stmt.compile(dialect=dialect, column_keys=list(keys))
    names = compiled.positiontup or []
    # a value the statement holds itself (``.values(failures=0)``) is the same in every row
    fixed = {name: compiled.binds[name].effective_value for name in names if name not in keys}
    missing = [name for name in fixed if compiled.binds[name].required]
    if missing:
        raise KeyError(f"the rows give no value for {', '.join(missing)}")
    processors = [compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]
    fixed = {name: process(fixed[name]) if process else fixed[name]
             for name, process in zip(names, processors, strict=True) if name in fixed}
    process_at = [(i, process) for i, (name, process) in enumerate(zip(names, processors, strict=True))
                  if process is not None and name not in fixed]
    take = itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
    as_set = _as_set(dialect, stmt, compiled, names) if dialect.name == "postgresql" else None
    return compiled.string, fixed, process_at, take, as_set


#: a positional parameter, not part of a longer name (``amount$1``)
_PLACEHOLDER = re.compile(r"(?<![\w$])\$(\d+)\b")
#: the alias the arrays are read back through, and its columns p1, p2...
_ROWS = "unnest_rows_"
#: the types whose values go in an array as they would one by one (their PostgreSQL
#: type names come from the dialect; String stands for text of any length)
_ARRAY_SAFE = (String, Integer, Boolean, Date, DateTime, Numeric, Float, LargeBinary)


def array_parameters(dialect: Dialect, types: Sequence[Any]) -> list[str] | None:
    """PostgreSQL parameters ``$1::text[]``, ``$2::INTEGER[]``... one an array of each
    type, or None if a type is not a plain scalar (an enum, JSON, an array, an interval,
    a UUID...: those stay one value a parameter). Unsized: a cast to varchar(n)[] would
    cut a longer value short, where the column the value goes to (or is compared with)
    refuses it or never matches it."""
    arrays = []
    for n, kind in enumerate(types, 1):
        kind = kind.dialect_impl(dialect)  # a variant's type on this backend
        if isinstance(kind, TypeDecorator):  # the type it stores as here
            kind = kind.load_dialect_impl(dialect).dialect_impl(dialect)
        if not isinstance(kind, _ARRAY_SAFE) or isinstance(kind, (Enum, ARRAY, Interval, JSON, Uuid)):
            return None
        # unsized text and numeric: a cast to varchar(n) cuts short, one to numeric(p, s) rounds
        name = "text" if isinstance(kind, String) else "numeric" \
            if isinstance(kind, Numeric) and not isinstance(kind, Float) else kind.compile(dialect=dialect)
        arrays.append(f"${n}::{name}[]")
    return arrays


def _as_set(dialect: Dialect, stmt: UpdateBase, compiled: Any, names: list[str]
            ) -> tuple[str, tuple[int, ...]] | None:
    """The PostgreSQL statement taking each parameter ``$n`` as an array, read back as
    ``unnest_rows_.pn``, with the positions of the parameters an UPDATE's rows must not
    repeat (its primary key; none for an INSERT); None where the rows go one by one."""
    sql: str = compiled.string
    if (not names or not isinstance(stmt, (Insert, Update)) or "'" in sql or _ROWS in sql
            or re.search(r'"[^"]*\$', sql) or " RETURNING " in sql or "DO UPDATE" in sql):
        return None
    arrays = array_parameters(dialect, [compiled.binds[name].type for name in names])
    if arrays is None:
        return None
    source = f"unnest({', '.join(arrays)}) AS {_ROWS}({', '.join(f'p{n}' for n in range(1, len(names) + 1))})"
    read_back = rf"{_ROWS}.p\1"
    if isinstance(stmt, Insert):
        head, values, after = sql.partition(" VALUES (")
        end = _closing(after)
        if not values or end is None:
            return None
        return f"{head} SELECT {_PLACEHOLDER.sub(read_back, after[:end])} FROM {source}{after[end + 1:]}", ()
    table, where = stmt.table, stmt.whereclause
    if where is None or sql.count(" WHERE ") != 1 or " FROM " in sql or not isinstance(table, Table):
        return None
    pinned = {}  # primary-key column -> the parameter it equals, in the WHERE's top-level AND
    terms = where.clauses if isinstance(where, BooleanClauseList) and where.operator is operators.and_ else [where]
    for term in terms:
        if isinstance(term, BinaryExpression) and term.operator is operators.eq \
                and isinstance(term.right, BindParameter) and isinstance(term.left, Column) \
                and term.left.table is table and term.left.primary_key:
            pinned[term.left.name] = term.right.key
    if not table.primary_key or set(pinned) != {column.name for column in table.primary_key}:
        return None
    keys_at = tuple(names.index(name) for name in pinned.values() if name in names)
    if len(keys_at) != len(pinned):
        return None
    set_part, _, where_part = _PLACEHOLDER.sub(read_back, sql).partition(" WHERE ")
    return f"{set_part} FROM {source} WHERE {where_part}", keys_at


def _closing(text: str) -> int | None:
    """Where the parenthesis open before ``text`` closes (the SQL holds no quoted text)."""
    depth = 0
    for at, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return at
            depth -= 1
    return None
