"""Database units of work reuse open connections, and never reuse a doubtful one."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from carrier_gateway.db import Database
from carrier_gateway.sqlitedriver import WAL_SIZE_LIMIT
from numbering.sqlutil import savepoint


async def _driver(db: Database, *, write: bool) -> AsyncConnection:
    """The connection a unit of work ran on (closed: it was given back to the pool)."""
    async with (db.write() if write else db.read()) as conn:
        return conn


@pytest.mark.parametrize("write", [True, False])
async def test_a_unit_of_work_reuses_the_connection_the_last_one_used(db: Database, write: bool) -> None:
    first = await _driver(db, write=write)
    assert await _driver(db, write=write) is first


async def test_a_connection_that_failed_in_the_database_is_not_reused(db: Database) -> None:
    first = await _driver(db, write=True)
    with pytest.raises(DBAPIError):
        async with db.write() as conn:
            await conn.execute(text("SELECT * FROM no_such_table"))
    assert first.closed and await _driver(db, write=True) is not first
    async with db.write() as conn:  # and the next unit of work works
        assert (await conn.execute(text("SELECT 1"))).scalar() == 1


async def test_an_ordinary_error_rolls_back_and_keeps_the_connection(db: Database) -> None:
    first = await _driver(db, write=True)
    with pytest.raises(LookupError):
        async with db.write() as conn:
            await conn.execute(text("CREATE TABLE scratch (x INTEGER)"))
            raise LookupError("refused")
    assert not first.closed and await _driver(db, write=True) is first
    async with db.read() as conn:
        tables = await conn.run_sync(lambda c: c.dialect.has_table(c, "scratch"))
    assert not tables  # rolled back


async def test_a_cancelled_unit_of_work_gives_its_connection_up(db: Database) -> None:
    first = await _driver(db, write=True)
    entered = asyncio.Event()

    async def slow() -> None:
        async with db.write() as conn:
            await conn.execute(text("SELECT 1"))
            entered.set()
            await asyncio.sleep(30)

    task = asyncio.create_task(slow())
    await entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert first.closed and await _driver(db, write=True) is not first


async def test_more_concurrent_readers_than_connections_all_finish(db: Database) -> None:
    """Readers past the limit wait for a connection to come back, not for the pool."""
    async def read() -> int:
        async with db.read() as conn:
            await asyncio.sleep(0.01)
            return int((await conn.execute(text("SELECT 1"))).scalar_one())

    results = await asyncio.wait_for(asyncio.gather(*(read() for _ in range(50))), timeout=20)
    assert results == [1] * 50


async def test_the_wal_is_checkpointed_past_its_threshold_not_after_every_write(tmp_path: Path) -> None:
    """The WAL file is cut back after each checkpoint (journal_size_limit), so its size
    keeps telling how much it holds: a long run of small writes checkpoints a few times,
    not once per write, and the file stays near the threshold."""
    db = Database(f"sqlite:///{tmp_path}/wal.db")
    try:
        async with db.write() as conn:
            await conn.execute(text("CREATE TABLE filler (x TEXT)"))
        writes = 4000
        for n in range(writes):
            async with db.write() as conn:  # ~12 KB of WAL per commit, ~48 MB in all
                await conn.execute(text("INSERT INTO filler VALUES (:x)"), {"x": f"{n:06d}" * 700})
        checkpointer = db._checkpointer
        assert checkpointer is not None
        wal = os.path.getsize(f"{tmp_path}/wal.db-wal")
        threshold = checkpointer._threshold
        assert 1 <= checkpointer.checkpoints <= writes // 100, checkpointer.checkpoints
        assert wal < 2 * threshold + WAL_SIZE_LIMIT, wal
    finally:
        await db.dispose()


async def test_a_savepoint_undoes_its_block_alone_and_the_transaction_goes_on(db: Database) -> None:
    async with db.write() as conn:
        await conn.execute(text("CREATE TABLE sp (x INTEGER PRIMARY KEY)"))
    async with db.write() as conn:
        await conn.execute(text("INSERT INTO sp VALUES (1)"))
        with pytest.raises(DBAPIError):
            async with savepoint(conn):
                await conn.execute(text("INSERT INTO sp VALUES (2)"))
                await conn.execute(text("INSERT INTO sp VALUES (1)"))  # the primary key refuses it
        with pytest.raises(LookupError):
            async with savepoint(conn):
                await conn.execute(text("INSERT INTO sp VALUES (3)"))
                raise LookupError("not this one")
        async with savepoint(conn):
            await conn.execute(text("INSERT INTO sp VALUES (4)"))
            async with savepoint(conn):  # the same name, nested
                await conn.execute(text("INSERT INTO sp VALUES (5)"))
    async with db.read() as conn:
        assert list((await conn.execute(text("SELECT x FROM sp ORDER BY x"))).scalars()) == [1, 4, 5]
