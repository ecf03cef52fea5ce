"""aiosqlite without a thread hop per call, for the calls that cannot wait.

aiosqlite runs every call (cursor, execute, fetch, close: four per statement) on its
own thread and wakes the event loop for each answer. Under load that ping-pong, not
SQLite, is most of the cost: each hop trades the GIL between the two threads. In WAL
mode only a few calls can block on another connection: ``BEGIN IMMEDIATE`` (the write
lock another process may hold, up to ``busy_timeout``), ``COMMIT`` of a write (it may
run an automatic checkpoint, with its fsync) and PRAGMAs at connect time. Those, and
large ``executemany`` calls (the GIL is released while SQLite works, so the loop runs
meanwhile), still go to the thread; every other call runs inline, in microseconds.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from typing import Any

import aiosqlite

#: executemany with more rows than this runs on the thread (overlaps with the loop)
INLINE_MANY_ROWS = 64
_WAITING_SQL = ("BEGIN IMMEDIATE", "BEGIN EXCLUSIVE", "PRAGMA", "VACUUM")


class InlineConnection(aiosqlite.Connection):
    def __init__(self, connector: Callable[[], sqlite3.Connection], *, commit_on_thread: bool) -> None:
        super().__init__(connector, 64)
        self._thread.daemon = True
        self._commit_on_thread = commit_on_thread

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self._running and self._connection is not None and not self._may_wait(fn, args):
            return fn(*args, **kwargs)
        return await super()._execute(fn, *args, **kwargs)

    def _may_wait(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> bool:
        name = getattr(fn, "__name__", "")
        if name == "commit":
            return self._commit_on_thread
        if name in ("execute", "executescript") and args and isinstance(args[0], str):
            return args[0].lstrip()[:16].upper().startswith(_WAITING_SQL)
        if name == "executemany" and len(args) > 1:
            rows = args[1]
            return not isinstance(rows, (list, tuple)) or len(rows) > INLINE_MANY_ROWS
        return False


def inline_creator(database: str, *, commit_on_thread: bool, **connect_kw: Any) -> Callable[[], Any]:
    """An ``async_creator`` for ``create_async_engine`` (file databases only)."""
    connector = functools.partial(sqlite3.connect, database, check_same_thread=False, **connect_kw)

    async def create() -> InlineConnection:
        return await InlineConnection(connector, commit_on_thread=commit_on_thread)

    return create
