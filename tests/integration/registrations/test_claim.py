"""A claim is one UPDATE ... RETURNING, and what it returns is typed: a ``Claimed`` per
row holding exactly the claimed registration's columns, in arrival order."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import event, select

from carrier_gateway.db import Database
from provisioning.privacy.keyring import Keyring
from provisioning.registrations import queue
from provisioning.registrations.accept import Incoming, accept, prepare
from provisioning.registrations.records import RegistrationRecord
from provisioning.registrations.tables import registrations as r
from tests.support.world import build_oem, individual

NOW = 2_000_000_000


async def test_a_claim_is_one_statement_returning_typed_rows(db: Database, master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=3)
    rng = random.Random(4)
    records = [individual(rng, iccid=oem.iccids[0]), individual(rng, iccid=oem.iccids[1], stage="BACKFILL")]
    records[1]["imei"] = None
    async with db.write() as conn:
        ids = [res[0] for res in await accept(conn, prepare(master_key, [  # type: ignore[index]
            Incoming(oem.enterprise_id, RegistrationRecord.model_validate(rec)) for rec in records]))]

    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(" ".join(statement.split()).upper())

    event.listen(db.write_engine.sync_engine, "before_cursor_execute", seen)
    try:
        async with db.write() as conn:
            mark, rows = await queue.claim(conn, limit=10, now_s=NOW, lease_seconds=60)
    finally:
        event.remove(db.write_engine.sync_engine, "before_cursor_execute", seen)
    claims = [s for s in statements if "REGISTRATIONS" in s]
    assert len(claims) == 1 and claims[0].startswith("UPDATE REGISTRATIONS") and " RETURNING " in claims[0]

    assert mark == NOW + 60 and [row.id for row in rows] == sorted(ids)
    assert all(type(row) is queue.Claimed for row in rows)
    names = list(queue.Claimed._fields)
    async with db.read() as conn:
        stored = {row.id: row for row in await conn.execute(select(*(r.c[n] for n in names)).where(r.c.id.in_(ids)))}
    for row in rows:
        assert tuple(row) == tuple(stored[row.id])  # every field is its column, as stored
    by_id = {row.id: row for row in rows}
    first, second = by_id[ids[0]], by_id[ids[1]]
    assert (first.enterprise_id, first.card_ref, first.stage) == (oem.enterprise_id, oem.iccids[0], "AT_SALE")
    assert second.stage == "BACKFILL" and second.imei is None and first.imei == records[0]["imei"]
    assert first.failures == 0 and first.attempts == 0  # a claim is no failure: only an error counts
    assert first.subject_enc and records[0]["subject"]["name"] not in first.subject_enc  # type: ignore[index]

    async with db.write() as conn:  # leased: a second claim before the lease ends finds nothing
        assert await queue.claim(conn, limit=10, now_s=NOW + 1, lease_seconds=60) == (0, [])
