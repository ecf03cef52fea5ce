"""carrier_gateway/sqlitedriver.py runs most aiosqlite calls inline by overriding
``aiosqlite.Connection._execute`` and reading ``_connection``, ``_running`` and
``_thread``: private parts, so pyproject.toml pins aiosqlite to the releases tested
here, and this test fails loudly, naming what moved, when a release changes them."""

from __future__ import annotations

import asyncio
import inspect
import sqlite3
import threading
from importlib.metadata import version
from pathlib import Path
from typing import Any

import aiosqlite
import sqlalchemy as sa

from carrier_gateway.db import Database
from carrier_gateway.sqlitedriver import InlineConnection
from numbering.dbtypes import SQLITE_ROWS_PER_CALL, executemany


def test_the_private_parts_the_driver_overrides_are_still_there(tmp_path: Path) -> None:
    execute = getattr(aiosqlite.Connection, "_execute", None)
    assert execute is not None and inspect.iscoroutinefunction(execute), \
        f"aiosqlite {version('aiosqlite')} has no coroutine Connection._execute: sqlitedriver.py must change"
    params = list(inspect.signature(execute).parameters.values())
    assert [p.kind for p in params[1:]] == [inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.VAR_POSITIONAL,
                                            inspect.Parameter.VAR_KEYWORD], f"_execute's signature changed: {params}"
    conn = InlineConnection(lambda: sqlite3.connect(tmp_path / "x.db", check_same_thread=False), busy_timeout_ms=10)
    assert isinstance(conn._thread, threading.Thread) and conn._running is True and conn._connection is None
    assert isinstance(aiosqlite.Connection.__dict__.get("_conn"), property), "Connection._conn is no longer a property"


async def traced(path: Path, seen: list[str]) -> InlineConnection:
    """A driver connection whose every statement is noted as "thread name:SQL" in ``seen``."""
    def connect() -> sqlite3.Connection:
        conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        conn.set_trace_callback(lambda sql: seen.append(f"{threading.current_thread().name}:{sql}"))
        return conn

    return await InlineConnection(connect, busy_timeout_ms=10)


async def test_statements_run_inline_and_waiting_ones_on_the_thread(tmp_path: Path) -> None:
    seen: list[str] = []
    conn = await traced(tmp_path / "x.db", seen)
    try:
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("CREATE TABLE t (x)")
        await conn.execute("INSERT INTO t VALUES (1)")
    finally:
        await conn.close()
    main = threading.current_thread().name
    assert f"{main}:CREATE TABLE t (x)" in seen and f"{main}:INSERT INTO t VALUES (1)" in seen, seen
    assert not any(entry.startswith(f"{main}:PRAGMA") for entry in seen), "a PRAGMA may wait: it runs on the thread"


async def test_a_large_executemany_runs_inline_in_pieces_with_the_loop_running_between(tmp_path: Path) -> None:
    """On the thread a large executemany traded the GIL with the loop row by row; it runs
    inline instead, in pieces of SQLITE_ROWS_PER_CALL rows, and other tasks run between
    the pieces (no one call stalls the loop for the whole batch)."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    table = sa.Table("t", sa.MetaData(), sa.Column("x", sa.Integer, primary_key=True))
    events: list[str] = []

    @sa.event.listens_for(db.write_engine.sync_engine, "connect")
    def _trace(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.driver_connection._conn.set_trace_callback(
            lambda sql: events.append(f"{threading.current_thread().name}:{sql.split()[0]}"))

    rows = [{"x": n} for n in range(3 * SQLITE_ROWS_PER_CALL + 5)]
    ticking = True

    async def ticker() -> None:
        while ticking:
            events.append("tick")
            await asyncio.sleep(0)

    try:
        async with db.write() as conn:
            await conn.run_sync(table.metadata.create_all)
        tick = asyncio.create_task(ticker())
        await asyncio.sleep(0)
        async with db.write() as conn:
            changed = await executemany(conn, table.insert(), rows)
        ticking = False
        await tick
        async with db.read() as conn:
            stored = (await conn.execute(sa.select(sa.func.count()).select_from(table))).scalar_one()
    finally:
        await db.dispose()
    assert changed == stored == len(rows)
    main = threading.current_thread().name
    inserts = [n for n, e in enumerate(events) if e.endswith(":INSERT")]
    assert len(inserts) == len(rows) and all(events[n] == f"{main}:INSERT" for n in inserts), set(events)
    ticks_between = [e for e in events[inserts[0]:inserts[-1]] if e == "tick"]
    assert len(ticks_between) >= 3, "the loop did not run between the pieces"
