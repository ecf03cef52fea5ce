"""A record the database itself refuses, on either backend: a rule added to the test's
own database (a trigger on SQLite, a CHECK constraint on PostgreSQL) that refuses one
VIN. The schema accepts the record, so this exercises what happens when a write fails
for one item of a group: the isolation that must hold whatever the cause."""

from __future__ import annotations

from sqlalchemy import text

from carrier_gateway.db import Database

#: a well-formed VIN (check digit and all) that the rule refuses
POISON_VIN = "LSVAU2187N2000000"


async def refuse_vin(db: Database, vin: str = POISON_VIN) -> None:
    async with db.write() as conn:
        if db.is_sqlite:
            await conn.execute(text(
                f"CREATE TRIGGER refuse_poison BEFORE INSERT ON registrations WHEN NEW.vin = '{vin}' "
                "BEGIN SELECT RAISE(ABORT, 'refused by test rule'); END"))
        else:
            await conn.execute(text(f"ALTER TABLE registrations ADD CONSTRAINT refuse_poison CHECK (vin <> '{vin}')"))
