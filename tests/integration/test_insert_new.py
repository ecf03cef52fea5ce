"""numbering.sqlutil.insert_new on both backends: rows whose unique key is free are
inserted and named in what it returns, the others (taken before, or twice in the same
call) are skipped; on PostgreSQL every number of rows is one statement text (the
columns go as arrays), a value too long for its column is refused rather than cut
short, and timestamps pass through their column type as in any other INSERT."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import Column, DateTime, Enum, Integer, MetaData, String, Table, Text, select
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.types import TypeDecorator

from carrier_gateway.db import Database
from carrier_gateway.tables import oem_nonces
from numbering.sqlutil import insert_new
from provisioning.registrations.tables import idempotency_keys
from tests.support.statements import statements_run


def _nonce(nonce: str, key_id: str = "k1") -> dict[str, object]:
    return {"key_id": key_id, "nonce": nonce, "expires_at": 2_000_000_000}


async def test_free_keys_are_inserted_and_returned_taken_ones_skipped(db: Database) -> None:
    async with db.write() as conn:
        first = await insert_new(conn, oem_nonces, [_nonce("a"), _nonce("b")], "key_id", "nonce")
    async with db.write() as conn:
        # "a" was taken before, "c" comes twice in this call: the first "c" only is new
        second = await insert_new(conn, oem_nonces, [_nonce("a"), _nonce("c"), _nonce("c"), _nonce("a", "k2")],
                                  "key_id", "nonce")
    async with db.read() as conn:
        stored = sorted((await conn.execute(select(oem_nonces.c.key_id, oem_nonces.c.nonce))).all())
    assert sorted((r.key_id, r.nonce) for r in first) == [("k1", "a"), ("k1", "b")]
    assert sorted((r.key_id, r.nonce) for r in second) == [("k1", "c"), ("k2", "a")]
    assert [tuple(r) for r in stored] == [("k1", "a"), ("k1", "b"), ("k1", "c"), ("k2", "a")]


async def test_nothing_to_insert_runs_nothing(db: Database) -> None:
    async with db.write() as conn:
        assert await insert_new(conn, oem_nonces, [], "nonce") == []


async def test_timestamps_go_through_their_column_type(db: Database) -> None:
    at = dt.datetime(2026, 3, 1, 12, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    row = {"enterprise_id": 7, "key": "idem-1", "request_hash": "h" * 64, "registration_id": "r1", "created_at": at}
    async with db.write() as conn:
        assert [tuple(r) for r in await insert_new(conn, idempotency_keys, [row], "enterprise_id", "key")] \
            == [(7, "idem-1")]
    async with db.read() as conn:
        stored = (await conn.execute(select(idempotency_keys.c.created_at))).scalar_one()
    assert stored == at and stored.utcoffset() == dt.timedelta(0)  # read back as UTC, the same instant
    with pytest.raises((ValueError, StatementError), match="naive"):  # SQLAlchemy wraps it on SQLite
        async with db.write() as conn:
            await insert_new(conn, idempotency_keys, [{**row, "key": "idem-2", "created_at": at.replace(tzinfo=None)}],
                             "key")


async def test_postgresql_runs_one_statement_for_every_number_of_rows(db: Database, backend: str) -> None:
    """A group commit's size varies with the load: rows listed in VALUES would make each
    size another statement for the server to prepare and plan, on every connection."""
    if backend != "postgresql":
        pytest.skip("SQLite runs the same INSERT ... RETURNING with the rows (no prepared-statement cache to fill)")
    with statements_run(db.write_engine) as seen:
        for size in (1, 2, 7, 30):
            async with db.write() as conn:
                got = await insert_new(conn, oem_nonces, [_nonce(f"{size}-{i}") for i in range(size)], "nonce")
            assert len(got) == size
    texts = {s for s in seen if "oem_nonces" in s}
    assert len(texts) == 1, texts
    assert "unnest" in texts.pop()


async def test_postgresql_refuses_a_value_too_long_for_its_column(db: Database, backend: str) -> None:
    """The arrays are of the unsized type: a value longer than its varchar(n) column is
    refused by the INSERT, as a VALUES list's would be, never cut short to fit."""
    if backend != "postgresql":
        pytest.skip("SQLite does not enforce a column's declared length")
    with pytest.raises(DBAPIError, match="too long"):
        async with db.write() as conn:
            await insert_new(conn, oem_nonces, [_nonce("n" * 65)], "nonce")
    async with db.read() as conn:
        assert (await conn.execute(select(oem_nonces.c.nonce))).all() == []


async def test_a_python_side_default_left_out_is_an_error_not_a_null(db: Database, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("elsewhere SQLAlchemy's INSERT fills Python-side defaults in itself")
    table = Table("with_default", MetaData(), Column("id", Integer, primary_key=True),
                  Column("label", String(8), default="x"), Column("at", DateTime))
    async with db.write() as conn:
        with pytest.raises(ValueError, match="label"):
            await insert_new(conn, table, [{"id": 1}])


class _JsonText(TypeDecorator[Any]):
    """A value stored as JSON text and read back as the value (a type with a result processor)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str:
        return json.dumps(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        return None if value is None else json.loads(value)


async def test_types_that_are_not_plain_scalars_are_inserted_and_read_back_as_their_type(db: Database) -> None:
    """A native enum column (PostgreSQL), and a column returned through a type that
    reads it back in Python: those rows go the usual way, the values as their types
    make them."""
    metadata = MetaData()
    table = Table("typed_rows", metadata, Column("id", Integer, primary_key=True),
                  Column("mood", Enum("calm", "busy", name="typed_rows_mood")), Column("doc", _JsonText))
    async with db.write() as conn:
        await conn.run_sync(metadata.create_all)
        got = await insert_new(conn, table, [{"id": 1, "mood": "busy", "doc": {"k": [1]}},
                                             {"id": 2, "mood": "calm", "doc": None}], "id", "doc")
    assert sorted((r.id, r.doc) for r in got) == [(1, {"k": [1]}), (2, None)]
    async with db.read() as conn:
        assert (await conn.execute(select(table.c.mood).order_by(table.c.id))).scalars().all() == ["busy", "calm"]
