"""aiosqlite without a thread hop per call, for the calls that cannot wait.

aiosqlite runs every call (cursor, execute, fetch, close: four per statement) on its
own thread and wakes the event loop for each answer. Under load that ping-pong, not
SQLite, is most of the cost: each hop trades the GIL between the two threads. In WAL
mode only a few calls can wait on another connection or the disk:

- ``BEGIN IMMEDIATE`` waits for the write lock another *process* may hold: it is tried
  inline with no busy wait, and only if the lock is taken goes to the thread, which
  waits up to ``busy_timeout`` there;
- ``COMMIT`` of a write may run an automatic checkpoint (with an fsync, ~5 ms here):
  write connections run with ``wal_autocheckpoint = 0`` and a :class:`Checkpointer`
  copies the WAL into the database on a thread past the same threshold, so a COMMIT
  stays in memory (synchronous=NORMAL: a commit survives a process crash, as before);
- PRAGMAs at connect time go to the thread.

Every other call runs inline, in microseconds, large ``executemany`` calls and the
COMMITs after them included. On the thread those overlapped with the event loop only in
name: sqlite3 drops the GIL around each row's step and needs it back to bind the next
row, so with the loop busy each row waited for the loop to hand the GIL over, and the
transaction (and the write lock with it) lasted longer while both threads spent CPU
trading the lock (batch registrations: ~12% fewer records a second, ~14% more CPU a
record, measured in BENCHMARKS.md). ``numbering.dbtypes.executemany`` cuts a large one
into pieces and lets the loop run between them, so no single call stalls it for long.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import sqlite3
from collections.abc import Callable
from typing import Any

import aiosqlite

log = logging.getLogger("carrier.db")

#: the write connection's ``journal_size_limit``: the WAL file is cut back to this size
#: each time the log starts again after a checkpoint (see :class:`Checkpointer`)
WAL_SIZE_LIMIT = 1024 * 1024
_WAITING_SQL = ("BEGIN IMMEDIATE", "BEGIN EXCLUSIVE", "PRAGMA", "VACUUM")


class InlineConnection(aiosqlite.Connection):
    def __init__(self, connector: Callable[[], sqlite3.Connection], *, busy_timeout_ms: int) -> None:
        super().__init__(connector, 64)
        self._thread.daemon = True
        self._busy_timeout_ms = busy_timeout_ms

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or self._connection is None:
            return await super()._execute(fn, *args, **kwargs)
        sql = args[0] if args and isinstance(args[0], str) else ""
        if sql[:15].upper() == "BEGIN IMMEDIATE" and self._begin_without_waiting(fn, args, kwargs):
            return None
        if self._may_wait(fn, args):
            return await super()._execute(fn, *args, **kwargs)
        return fn(*args, **kwargs)

    def begin_inline(self, sql: str) -> bool:
        """Open a transaction right here (for SQLAlchemy's "begin" event, which cannot
        await): True if it is open, False if it must wait for another process's write
        lock (the caller then issues it through the thread)."""
        if self._connection is None:
            return False
        if sql.upper() == "BEGIN IMMEDIATE":
            return self._begin_without_waiting(self._conn.execute, (sql,), {})
        self._conn.execute(sql)
        return True

    def _begin_without_waiting(self, fn: Callable[..., Any], args: Any, kwargs: Any) -> bool:
        """Take the write lock inline if it is free; False if another process holds it."""
        conn = self._conn
        conn.execute("PRAGMA busy_timeout = 0")
        try:
            fn(*args, **kwargs)
            return True
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            return False
        finally:
            conn.execute(f"PRAGMA busy_timeout = {self._busy_timeout_ms}")

    @staticmethod
    def _may_wait(fn: Callable[..., Any], args: tuple[Any, ...]) -> bool:
        if getattr(fn, "__name__", "") in ("execute", "executescript") and args and isinstance(args[0], str):
            return args[0].lstrip()[:16].upper().startswith(_WAITING_SQL)
        return False


def inline_creator(database: str, *, busy_timeout_ms: int) -> Callable[[], Any]:
    """An ``async_creator`` for ``create_async_engine`` (file databases only)."""
    connector = functools.partial(sqlite3.connect, database, check_same_thread=False)

    async def create() -> InlineConnection:
        return await InlineConnection(connector, busy_timeout_ms=busy_timeout_ms)

    return create


class Checkpointer:
    """Copies the WAL into the database file on a thread once it has grown past
    ``wal_pages`` pages (SQLite's own autocheckpoint threshold), PASSIVE: never waits for
    readers or writers. The write that crossed the threshold awaits it, as it would have
    waited inside COMMIT, but the event loop keeps serving meanwhile.

    The WAL file's size tells how much it holds only because the write connection sets
    ``journal_size_limit`` (:data:`WAL_SIZE_LIMIT`): after a checkpoint the next write
    starts the log again from its beginning and SQLite truncates the file to that limit.
    Without it the file keeps its largest size and every write would checkpoint. A
    checkpoint that could not finish (a reader still needs old pages) leaves the log
    growing: the next attempt waits until it has grown by the threshold again."""

    def __init__(self, database: str, *, busy_timeout_ms: int, wal_pages: int = 1000) -> None:
        self._database = database
        self._wal = database + "-wal"
        self._busy_timeout_ms = busy_timeout_ms
        self._threshold = wal_pages * 4096
        self._next_at = self._threshold
        self._last_size = 0
        self._conn: sqlite3.Connection | None = None
        self._running = False
        self.checkpoints = 0

    async def after_write(self) -> None:
        if self._running:
            return
        try:
            size = os.stat(self._wal).st_size
        except OSError:
            return
        if size < self._last_size:  # the log was started again (and truncated)
            self._next_at = self._threshold
        self._last_size = size
        if size < self._next_at:
            return
        self._running = True
        self._next_at = size + self._threshold
        try:
            await asyncio.to_thread(self._checkpoint)
            self.checkpoints += 1
        finally:
            self._running = False

    def _checkpoint(self) -> None:
        try:
            if self._conn is None:
                self._conn = sqlite3.connect(self._database, check_same_thread=False, isolation_level=None)
                self._conn.execute(f"PRAGMA busy_timeout = {self._busy_timeout_ms}")
            self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error as exc:  # the next write tries again; a commit never depends on it
            log.warning("WAL checkpoint failed: %s", exc)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
