"""The one engine factory: SQLite (embedded default) and PostgreSQL (asyncpg).

``Database.write()`` opens a write transaction (``BEGIN IMMEDIATE`` on SQLite, so a
read-then-write never fails with "database is locked"); ``Database.read()`` opens a
read transaction. On SQLite writes in one process go through a single connection, so
tasks queue fairly instead of spinning on the busy handler; other processes wait on
``busy_timeout``.

Connections stay open between units of work (:class:`Connections`): taking one from the
engine's pool and closing it again costs more than the transaction itself does here (a
pool checkout and checkin, and SQLAlchemy closing each async connection in a task of its
own), so a unit of work reuses an idle one.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from carrier_gateway.filemodes import create_private, database_files
from carrier_gateway.sqlitedriver import WAL_SIZE_LIMIT, Checkpointer, InlineConnection, inline_creator

SQLITE_BUSY_TIMEOUT_MS = 10_000


class DatabaseError(RuntimeError):
    """The database cannot be reached or opened; the message is one line for a human."""


def normalize_url(url: str) -> URL:
    """Accept ``sqlite:///x.db`` and ``postgresql://...`` and pick the async drivers."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(f"not a database URL: {url!r}") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
        if not parsed.database or parsed.database == ":memory:":
            raise DatabaseError(
                "an in-memory SQLite database is a different database on every connection; "
                "give a file, e.g. sqlite+aiosqlite:///carrier.db"
            )
    elif backend in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+asyncpg")
    else:
        raise DatabaseError(f"unsupported database {backend!r}: use sqlite or postgresql")
    return parsed


def describe(url: URL | str) -> str:
    """The URL with any password hidden, for messages and logs."""
    if isinstance(url, str):
        try:
            url = make_url(url)
        except ArgumentError:
            return "<invalid URL>"
    return url.render_as_string(hide_password=True)


class Connections:
    """Up to ``limit`` connections of one engine, kept open between units of work.

    A connection goes back on the idle list after a unit of work that ended normally or
    with an ordinary error (its transaction was rolled back and the connection is sound);
    after a database error or a cancellation it is closed (returned to the engine's pool,
    which resets or replaces it), and its place is opened anew when next needed. Never
    more than ``limit`` are open at once: the next caller waits for one to come back.
    """

    def __init__(self, engine: AsyncEngine, limit: int) -> None:
        self._engine = engine
        self._limit = limit
        self._loop: asyncio.AbstractEventLoop | None = None
        self._slots: asyncio.Queue[AsyncConnection | None] = asyncio.LifoQueue()

    def _for_this_loop(self) -> asyncio.Queue[AsyncConnection | None]:
        """Connections and waiters belong to one event loop (a command runs one; a test
        may run several in turn): a new loop starts from an empty list."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._loop, self._slots = loop, asyncio.LifoQueue()  # the last one used first
            for _ in range(self._limit):
                self._slots.put_nowait(None)  # a free place: open a connection in it
        return self._slots

    @contextlib.asynccontextmanager
    async def connection(self, *, reuse: bool = True) -> AsyncIterator[AsyncConnection]:
        """A connection for the block; ``reuse=False`` closes it afterwards (for one whose
        settings the block changed)."""
        slots = self._for_this_loop()
        conn = await slots.get()
        if conn is None:
            try:
                conn = await self._engine.connect()
            except BaseException:
                slots.put_nowait(None)
                raise
        keep = reuse
        try:
            yield conn
        except DBAPIError:
            keep = False
            raise
        except Exception:  # an ordinary error: the transaction was rolled back, the connection is sound
            raise
        except BaseException:  # cancelled (perhaps inside a statement): never reuse it
            keep = False
            raise
        finally:
            if keep and not conn.invalidated and not conn.in_transaction():
                slots.put_nowait(conn)
            else:
                await self._close(slots, conn)

    @staticmethod
    async def _close(slots: asyncio.Queue[AsyncConnection | None], conn: AsyncConnection) -> None:
        try:
            await conn.close()
        except Exception:  # noqa: BLE001 - the pool discards a connection it cannot reset
            pass
        finally:
            slots.put_nowait(None)

    async def close(self) -> None:
        """Close the idle connections (before the engine is disposed)."""
        if self._loop is None or self._loop is not asyncio.get_running_loop():
            return
        while not self._slots.empty():
            conn = self._slots.get_nowait()
            if conn is not None:
                with contextlib.suppress(Exception):
                    await conn.close()
        self._loop = None


class Database:
    """Engines for one database plus the transaction helpers every caller uses."""

    def __init__(
        self,
        url: str,
        *,
        sqlite_synchronous: str = "NORMAL",
        pool_size: int = 10,
        connect_args: dict[str, Any] | None = None,
    ) -> None:
        self.url = normalize_url(url)
        self.dialect = self.url.get_backend_name()
        self._sync_mode = sqlite_synchronous.upper()
        if self.dialect == "sqlite":
            self._check_sqlite_path()
            self.write_engine = self._sqlite_engine(immediate=True, pool_size=1)
            self._checkpointer: Checkpointer | None = Checkpointer(
                os.path.abspath(self.url.database or ""), busy_timeout_ms=SQLITE_BUSY_TIMEOUT_MS)
            self.read_engine = self._sqlite_engine(immediate=False, pool_size=4)
            self._writers = Connections(self.write_engine, 1)
            self._readers = Connections(self.read_engine, 4)
        else:
            engine = create_async_engine(
                self.url,
                pool_size=pool_size,
                max_overflow=pool_size,
                pool_pre_ping=False,
                connect_args=connect_args or {},
            )
            self.write_engine = self.read_engine = engine
            self._checkpointer = None
            # one set of connections for reads and writes, as many as the pool may open
            self._writers = self._readers = Connections(engine, 2 * pool_size)

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @property
    def files(self) -> list[str]:
        """The files this database lives in (SQLite: the database, -wal and -shm)."""
        return database_files(os.path.abspath(self.url.database or "")) if self.is_sqlite else []

    def _check_sqlite_path(self) -> None:
        path = os.path.abspath(self.url.database or "")
        directory = os.path.dirname(path)
        if not os.path.isdir(directory):
            raise DatabaseError(f"cannot open SQLite database {path}: directory {directory} does not exist")
        target = path if os.path.exists(path) else directory
        if not os.access(target, os.W_OK):
            raise DatabaseError(f"cannot open SQLite database {path}: {target} is not writable")
        create_private(path)  # before SQLite makes it 0644: its -wal and -shm take the same mode

    def _sqlite_engine(self, *, immediate: bool, pool_size: int) -> AsyncEngine:
        engine = create_async_engine(
            self.url, pool_size=pool_size, max_overflow=0, pool_timeout=60,
            async_creator=inline_creator(os.path.abspath(self.url.database or ""),
                                         busy_timeout_ms=SQLITE_BUSY_TIMEOUT_MS),
        )
        sync_mode = self._sync_mode

        @event.listens_for(engine.sync_engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite would defer it).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA foreign_keys = ON")
            cur.execute(f"PRAGMA synchronous = {sync_mode}")
            if immediate:  # commits never checkpoint in the loop: the Checkpointer does it
                cur.execute("PRAGMA wal_autocheckpoint = 0")
                cur.execute(f"PRAGMA journal_size_limit = {WAL_SIZE_LIMIT}")
            cur.close()

        begin_sql = "BEGIN IMMEDIATE" if immediate else "BEGIN"

        @event.listens_for(engine.sync_engine, "begin")
        def _on_begin(conn: Any) -> None:
            driver = conn.connection.driver_connection
            if not (isinstance(driver, InlineConnection) and driver.begin_inline(begin_sql)):
                conn.exec_driver_sql(begin_sql)  # the write lock is taken: wait for it on the thread

        return engine

    @contextlib.asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """A write transaction: commits on success, rolls back on any error."""
        async with self._writers.connection() as conn, conn.begin():
            yield conn
        if self._checkpointer is not None:
            await self._checkpointer.after_write()

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A read-only unit of work (one consistent snapshot)."""
        async with self._readers.connection() as conn, conn.begin():
            yield conn

    @contextlib.asynccontextmanager
    async def snapshot(self) -> AsyncIterator[AsyncConnection]:
        """A read-only unit of work whose statements all see the same data (for a report
        made of many queries). SQLite's read transaction is a snapshot already (WAL);
        PostgreSQL needs REPEATABLE READ."""
        if self.is_sqlite:
            async with self.read() as conn:
                yield conn
            return
        # the options stay on the connection: it goes back to the pool, whose reset takes them off
        async with self._readers.connection(reuse=False) as conn:
            await conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            async with conn.begin():
                yield conn

    async def ping(self) -> None:
        try:
            async with self.read() as conn:
                await conn.execute(text("SELECT 1"))
        except (DBAPIError, OSError) as exc:
            raise DatabaseError(f"database {describe(self.url)} is unreachable: {first_line(exc)}") from exc

    @contextlib.asynccontextmanager
    async def write_connection(self) -> AsyncIterator[AsyncConnection]:
        """The write connection outside any transaction, held for the block (no other
        write of this process runs meanwhile): for statements that must run outside one."""
        async with self._writers.connection() as conn:
            yield conn

    async def dispose(self) -> None:
        await self._writers.close()
        if self._readers is not self._writers:
            await self._readers.close()
        if self._checkpointer is not None:
            self._checkpointer.close()
        await self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            await self.read_engine.dispose()


def first_line(exc: BaseException) -> str:
    """The first meaningful line of a driver error, without SQLAlchemy's footer."""
    orig = getattr(exc, "orig", None) or exc
    msg = str(orig).strip().splitlines()
    return msg[0] if msg else type(orig).__name__


def null_pool_engine(url: str) -> AsyncEngine:
    """A throwaway engine (no pooling) for one-off administrative work."""
    return create_async_engine(normalize_url(url), poolclass=NullPool)
