"""numbering.sqlutil.in_list on both backends: a list bound as one parameter (a JSON
array read back by json_each on SQLite, an array compared with ``= ANY`` on PostgreSQL)
matches exactly the values an IN list of the same values would, whatever characters
they hold, with one statement text for every length of list."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.dialects import sqlite

from carrier_gateway.db import Database
from carrier_gateway.nonces import USED_NONCES, NonceClaim, claim_nonces
from carrier_gateway.tables import oem_nonces
from numbering.sqlutil import in_list
from tests.support.statements import statements_run

#: text JSON escapes, or that looks like JSON itself
ODD = ['a"b', "back\\slash", "张三", "𠀀x", '["x"]', "null", "1", "tab\there", "é", " lead", "Ω" * 40]


@pytest.mark.parametrize("count", [1, 3, 400])
async def test_a_list_bound_as_one_parameter_finds_exactly_its_values(db: Database, count: int) -> None:
    stored = ODD + [f"n{i:05d}" for i in range(500)]
    async with db.write() as conn:
        await claim_nonces(conn, [NonceClaim("k1", nonce, 2_000_000_000) for nonce in stored]
                           + [NonceClaim("k2", "n00001", 2_000_000_000)])
    asked = (ODD + [f"n{i:05d}" for i in range(0, 2 * count, 2)] + ["absent", '"', "n"])[:count + len(ODD)]
    async with db.read() as conn:
        found = {(key, nonce) for key, nonce in await conn.execute(USED_NONCES, {"key_ids": ["k1"], "nonces": asked})}
        none = (await conn.execute(USED_NONCES, {"key_ids": ["k3"], "nonces": asked})).all()
        both = {(key, nonce) for key, nonce in await conn.execute(USED_NONCES, {"key_ids": ["k1", "k2"],
                                                                                  "nonces": ["n00001"]})}
    assert found == {("k1", nonce) for nonce in asked if nonce in stored}
    assert none == []
    assert both == {("k1", "n00001"), ("k2", "n00001")}


async def test_a_statement_naming_its_table_only_in_the_list_still_reads_it(db: Database) -> None:
    async with db.write() as conn:
        await claim_nonces(conn, [NonceClaim("k1", nonce, 2_000_000_000) for nonce in ("a", "b", "c")])
    count = select(func.count()).where(in_list(oem_nonces.c.nonce, "nonces"))
    async with db.read() as conn:
        assert (await conn.execute(count, {"nonces": ["a", "c", "z"]})).scalar_one() == 2


def test_text_holding_nul_is_refused_not_cut_short() -> None:
    """json_each would read "a\\u0000b" as "a": the JSON form of a list (SQLite's) refuses
    such text instead of matching the wrong rows (PostgreSQL refuses NUL in text itself)."""
    bind = in_list(oem_nonces.c.nonce, "nonces").compile(dialect=sqlite.dialect()).binds["nonces"]
    process = bind.type.bind_processor(sqlite.dialect())
    assert process(["a", "张"]) == '["a", "\\u5f20"]'
    with pytest.raises(ValueError, match="NUL"):
        process(["a", "a\x00b"])


@pytest.mark.parametrize("expanding_on_sqlite", [False, True])
async def test_one_statement_serves_every_length_of_list(db: Database, backend: str,
                                                         expanding_on_sqlite: bool) -> None:
    """The point of binding the list as one parameter: the database prepares the
    statement once, not once per length (an expanding list writes a placeholder per
    value). Only SQLite's opt-out (``expanding_on_sqlite``) writes one per value."""
    async with db.write() as conn:
        await claim_nonces(conn, [NonceClaim("k1", f"n{i}", 2_000_000_000) for i in range(5)])
    query = select(oem_nonces.c.nonce).where(
        in_list(oem_nonces.c.nonce, "nonces", expanding_on_sqlite=expanding_on_sqlite))
    with statements_run(db.read_engine) as seen:
        async with db.read() as conn:
            found = [{n for (n,) in await conn.execute(query, {"nonces": [f"n{i}" for i in range(length)]})}
                     for length in (1, 3, 5)]
    assert found == [{"n0"}, {"n0", "n1", "n2"}, {f"n{i}" for i in range(5)}]
    texts = [s for s in seen if "oem_nonces" in s]
    assert len(texts) == 3
    expanding = backend == "sqlite" and expanding_on_sqlite
    assert (len(set(texts)) == 3) is expanding, texts


async def test_a_value_longer_than_the_column_matches_nothing(db: Database) -> None:
    """Never cut to the column's length (a cast to varchar(n) would): a value that only
    begins with a stored one is not it."""
    stored = "n" * oem_nonces.c.nonce.type.length
    async with db.write() as conn:
        await claim_nonces(conn, [NonceClaim("k1", stored, 2_000_000_000)])
    query = select(oem_nonces.c.nonce).where(in_list(oem_nonces.c.nonce, "nonces"))
    async with db.read() as conn:
        assert (await conn.execute(query, {"nonces": [stored + "x"]})).all() == []
        assert (await conn.execute(query, {"nonces": [stored]})).scalars().all() == [stored]
