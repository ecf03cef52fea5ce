"""The registry of sealed columns is complete: no table holds sealed values it does not declare."""

from __future__ import annotations

from sqlalchemy import select

from carrier_gateway.db import Database
from carrier_gateway.schema import all_metadata
from provisioning.personal_data.registry import COLUMNS, declared
from provisioning.privacy.keyring import Keyring
from tests.support.sealed import fill, sealed_columns


async def test_every_column_holding_sealed_values_is_declared(db: Database, master_key: Keyring) -> None:
    await fill(db, master_key)
    found = await sealed_columns(db)
    missing = found - declared()
    assert not missing, f"sealed values in columns not declared in personal_data/registry.py: {sorted(missing)}"
    # and the scan sees every declared column (so it would see an undeclared one too)
    assert found == declared()


async def test_every_declared_context_opens_its_values(db: Database, master_key: Keyring) -> None:
    await fill(db, master_key)
    async with db.read() as conn:
        for col in COLUMNS:
            rows = (await conn.execute(select(col.table))).all()
            assert rows, col.name
            for row in rows:
                value = row._mapping[col.column]
                assert master_key.decrypt(value, col.context_of(row._mapping))


def test_columns_named_like_sealed_ones_are_declared() -> None:
    suspicious = {(t.name, c.name) for m in all_metadata() for t in m.sorted_tables for c in t.columns
                  if c.name.endswith(("_enc", "_sealed", "_encrypted"))}
    assert suspicious <= declared(), sorted(suspicious - declared())
