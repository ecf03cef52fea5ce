"""The database layer on real backends: pragmas, write transactions, migrations."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, Table, select, text, update

from carrier_gateway.db import Database, DatabaseError, normalize_url
from carrier_gateway.migrate import head_revision, schema_state, upgrade
from carrier_gateway.schema import all_metadata


async def test_sqlite_connections_have_wal_busy_timeout_and_foreign_keys(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        for ctx in (db.read, db.write):
            async with ctx() as conn:
                assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
                assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
                assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() >= 5000
    finally:
        await db.dispose()


async def test_concurrent_read_then_write_transactions_never_see_database_locked(tmp_path: Path) -> None:
    """Deferred transactions that read then write fail at once under contention;
    BEGIN IMMEDIATE makes them queue. Two Database objects = two connection pools,
    the same contention two processes would have."""
    path = tmp_path / "c.db"
    dbs = [Database(f"sqlite:///{path}") for _ in range(2)]
    meta = MetaData()
    counter = Table("counter", meta, Column("id", Integer, primary_key=True), Column("n", Integer))
    try:
        async with dbs[0].write() as conn:
            await conn.run_sync(meta.create_all)
            await conn.execute(counter.insert().values(id=1, n=0))

        async def bump(db: Database) -> None:
            async with db.write() as conn:
                n = (await conn.execute(select(counter.c.n))).scalar_one()
                await asyncio.sleep(0)
                await conn.execute(update(counter).values(n=n + 1))

        await asyncio.gather(*(bump(dbs[i % 2]) for i in range(40)))
        async with dbs[0].read() as conn:
            assert (await conn.execute(select(counter.c.n))).scalar_one() == 40
    finally:
        for db in dbs:
            await db.dispose()


async def test_migrations_produce_exactly_the_declared_tables(db: Database) -> None:
    """Every table change ships as a migration: head equals the MetaData on each backend."""

    def diff(sync_conn):  # type: ignore[no-untyped-def]
        ctx = MigrationContext.configure(sync_conn, opts={"compare_type": True})
        return compare_metadata(ctx, all_metadata())

    async with db.read() as conn:
        assert await conn.run_sync(diff) == []
    state = await schema_state(db)
    assert state.is_current and state.revision == head_revision()


async def test_upgrade_is_idempotent_and_keeps_data(db: Database) -> None:
    from carrier_gateway import ops_auth

    async with db.write() as conn:
        issued = await ops_auth.create_token(conn, "ops", "keep me")
    before, after = await upgrade(db)
    assert before == after == head_revision()
    async with db.read() as conn:
        rows = await ops_auth.list_tokens(conn)
    assert [(r["id"], r["label"]) for r in rows] == [(issued.id, "keep me")]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("sqlite:///:memory:", "in-memory"),
        ("mysql://x@y/z", "unsupported database"),
        ("not a url", "not a database URL"),
        ("sqlite:////nonexistent-dir/x.db", "does not exist"),
    ],
)
def test_bad_urls_are_one_line_errors(url: str, message: str) -> None:
    with pytest.raises(DatabaseError, match=message):
        Database(url)


def test_plain_urls_get_async_drivers() -> None:
    assert normalize_url("sqlite:///a.db").drivername == "sqlite+aiosqlite"
    assert normalize_url("postgresql://u@h/d").drivername == "postgresql+asyncpg"


async def test_unreachable_postgres_is_a_database_error() -> None:
    db = Database("postgresql://postgres@127.0.0.1:1/nothing")
    try:
        with pytest.raises(DatabaseError, match="unreachable"):
            await db.ping()
    finally:
        await db.dispose()
