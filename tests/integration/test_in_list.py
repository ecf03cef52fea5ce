"""numbering.sqlutil.in_list on both backends: a list bound as one parameter (a JSON
array read back by json_each on SQLite, an expanding list elsewhere) matches exactly
the values an IN list of the same values would, whatever characters they hold."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.dialects import sqlite

from carrier_gateway.db import Database
from carrier_gateway.nonces import USED_NONCES, NonceClaim, claim_nonces
from carrier_gateway.tables import oem_nonces
from numbering.sqlutil import in_list

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
