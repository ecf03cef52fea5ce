"""carrier_gateway/sqlitedriver.py runs most aiosqlite calls inline by overriding
``aiosqlite.Connection._execute`` and reading ``_connection``, ``_running`` and
``_thread``: private parts, so pyproject.toml pins aiosqlite to the releases tested
here, and this test fails loudly, naming what moved, when a release changes them."""

from __future__ import annotations

import inspect
import sqlite3
import threading
from importlib.metadata import version
from pathlib import Path

import aiosqlite

from carrier_gateway.sqlitedriver import INLINE_COMMIT_CHANGES, InlineConnection


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


async def test_a_large_commit_runs_on_the_thread_a_small_one_inline(tmp_path: Path) -> None:
    """A COMMIT copies every page its transaction changed into the WAL: after many rows it
    runs on the thread, where the event loop keeps working meanwhile."""
    seen: list[str] = []
    conn = await traced(tmp_path / "x.db", seen)
    main = threading.current_thread().name

    async def run(sql: str) -> None:
        cursor = await conn.execute(sql)
        await cursor.close()

    try:
        await run("PRAGMA journal_mode = WAL")
        await run("CREATE TABLE t (x)")
        for rows in (3, INLINE_COMMIT_CHANGES + 1):
            assert conn.begin_inline("BEGIN IMMEDIATE")
            await run(f"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {rows}) "
                      "INSERT INTO t SELECT n FROM s")
            seen.clear()
            await conn.commit()
            threads = {entry.split(":", 1)[0] for entry in seen if entry.endswith("COMMIT")}
            assert len(threads) == 1 and (main in threads) == (rows == 3), (rows, seen)
    finally:
        await conn.close()
