"""The database of a bench/registrations.py run and the polls that read it.

SQLite: a fresh file (by default ``bench.db`` in the work directory). PostgreSQL: the
URL names a server; a database ``regbench_<pid>_<time>`` is created on it for the run
through an admin connection to the URL's own database, and dropped afterwards (also
when the run fails or is interrupted), unless the run is asked to keep it.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import URL

from carrier_gateway.db import Database, DatabaseError, describe, normalize_url

#: exit status when the PostgreSQL server cannot be reached (sysexits' "service
#: unavailable"): bench/run_all.py reports the run as not done instead of failed
UNREACHABLE = os.EX_UNAVAILABLE


class Unreachable(Exception):
    """No PostgreSQL server answers at the URL (the message says why, in one line)."""


@dataclasses.dataclass(frozen=True)
class BenchDatabase:
    url: str  #: for the servers and the preparation (with any password)
    backend: str  #: "SQLite 3.40.1", "PostgreSQL 15.4"
    where: str  #: where it lives, for the report (no password)


@contextlib.contextmanager
def bench_database(url: str | None, work: Path, *, keep: bool) -> Iterator[BenchDatabase]:
    """A fresh, empty database for one run; a PostgreSQL one is dropped on leaving unless ``keep``."""
    if url is None:
        url = f"sqlite+aiosqlite:///{work / 'bench.db'}"
        for suffix in ("", "-wal", "-shm"):  # a kept work directory holds the last run's
            Path(f"{work / 'bench.db'}{suffix}").unlink(missing_ok=True)
    try:
        parsed = normalize_url(url)
    except DatabaseError as exc:
        raise SystemExit(str(exc)) from None
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "").resolve()
        if path.exists():
            raise SystemExit(f"{path} exists: the bench needs a fresh SQLite file")
        yield BenchDatabase(url, f"SQLite {sqlite3.sqlite_version}", f"SQLite file {path}")
        return
    name = f"regbench_{os.getpid()}_{int(time.time())}"
    version = _create(parsed, name)
    run = parsed.set(database=name)
    try:
        yield BenchDatabase(run.render_as_string(hide_password=False), f"PostgreSQL {version}",
                            f"PostgreSQL database {name} on {parsed.host}:{parsed.port or 5432} (created for the run)")
    finally:
        if keep:
            print(f"kept database {name} (DROP DATABASE {name} when done)", file=sys.stderr)
        else:
            _drop(parsed, name)


def _create(server: URL, name: str) -> str:
    """CREATE DATABASE ``name``; the server's version. Exits with UNREACHABLE if no server answers."""
    async def create() -> str:
        conn = await _admin(server)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
            return str(await conn.fetchval("SHOW server_version")).split()[0]
        finally:
            await conn.close()

    try:
        return asyncio.run(create())
    except Unreachable as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(UNREACHABLE) from None


def _drop(server: URL, name: str) -> None:
    async def drop() -> None:
        conn = await _admin(server)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    try:
        asyncio.run(drop())
    except (Unreachable, asyncpg.PostgresError) as exc:  # report it, keep the run's own outcome
        print(f"could not drop database {name}: {exc}", file=sys.stderr)


async def _admin(server: URL) -> asyncpg.Connection:
    dsn = server.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        return await asyncpg.connect(dsn, timeout=10)
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:  # OSError: refused, timeout
        raise Unreachable(f"cannot connect to PostgreSQL at {describe(dsn)}: {exc}") from None


class Registrations:
    """Counts of registrations by status, read through the project's own Database (a
    read transaction; a WAL snapshot on SQLite, so the servers' writes never wait)."""

    #: whether any is left, on the partial index of PENDING registrations (the status a
    #: literal, not a parameter, so both backends use it); it stops at the first: a
    #: count would walk every pending row at each poll, work the machine does beside
    #: the server being measured
    ANY_PENDING = text("SELECT EXISTS (SELECT 1 FROM registrations WHERE status = 'PENDING')")
    BY_STATUS = text("SELECT status, count(*) FROM registrations GROUP BY status")

    def __init__(self, url: str) -> None:
        self.db = Database(url)

    async def until_decided(self, timeout: float = 900) -> float:
        """Poll until no registration is PENDING; returns the monotonic time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            async with self.db.read() as conn:
                if not (await conn.execute(self.ANY_PENDING)).scalar_one():
                    return time.monotonic()
            await asyncio.sleep(0.02)
        raise SystemExit("registrations still PENDING after the timeout")

    async def outcomes(self) -> dict[str, int]:
        async with self.db.read() as conn:
            return {status: n for status, n in (await conn.execute(self.BY_STATUS)).all()}

    async def close(self) -> None:
        await self.db.dispose()
