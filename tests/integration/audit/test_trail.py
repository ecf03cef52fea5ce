"""The hash chain on real databases: appends in order, and every kind of tampering shows."""

from __future__ import annotations

import asyncio

from sqlalchemy import delete, select, update

from carrier_gateway.db import Database
from provisioning.audit.tables import audit_head, audit_log
from provisioning.audit.trail import Event, record, verify


async def _fill(db: Database, n: int = 5) -> None:
    for i in range(n):
        async with db.write() as conn:
            await record(conn, Event("ops:1", "card.transition", "card", f"8986{i:04d}", enterprise_id=1,
                                     detail={"from": "INVENTORY", "to": "TEST", "i": i}))


async def test_appends_chain_and_verify(db: Database) -> None:
    await _fill(db)
    async with db.read() as conn:
        result = await verify(conn)
        seqs = (await conn.execute(select(audit_log.c.seq).order_by(audit_log.c.seq))).scalars().all()
    assert result.ok and result.checked == 5 and seqs == [1, 2, 3, 4, 5]


async def test_concurrent_appenders_get_a_gapless_chain(db: Database, db_url: str) -> None:
    other = Database(db_url)
    try:
        async def one(d: Database, i: int) -> None:
            async with d.write() as conn:
                await record(conn, Event("t", "x", "o", i), Event("t", "y", "o", i))

        await asyncio.gather(*(one(db if i % 2 else other, i) for i in range(20)))
    finally:
        await other.dispose()
    async with db.read() as conn:
        result = await verify(conn)
    assert result.ok and result.checked == 40


async def test_edited_entry_is_named(db: Database) -> None:
    await _fill(db)
    async with db.write() as conn:
        await conn.execute(update(audit_log).where(audit_log.c.seq == 3).values(detail='{"to":"ACTIVE"}'))
    async with db.read() as conn:
        result = await verify(conn)
    assert not result.ok and result.first_bad_seq == 3 and "altered" in (result.problem or "")


async def test_deleted_entry_is_named(db: Database) -> None:
    await _fill(db)
    async with db.write() as conn:
        await conn.execute(delete(audit_log).where(audit_log.c.seq == 2))
    async with db.read() as conn:
        result = await verify(conn)
    assert not result.ok and result.first_bad_seq == 2 and "missing" in (result.problem or "")


async def test_deleted_tail_is_caught_by_the_head(db: Database) -> None:
    await _fill(db)
    async with db.write() as conn:
        await conn.execute(delete(audit_log).where(audit_log.c.seq == 5))
    async with db.read() as conn:
        result = await verify(conn)
    assert not result.ok and result.first_bad_seq == 5


async def test_reordered_entries_are_named(db: Database) -> None:
    await _fill(db)
    async with db.write() as conn:
        rows = {r.seq: r for r in (await conn.execute(select(audit_log))).all()}
        # swap entries 2 and 4 wholesale (content moves, numbers stay)
        for seq, src in ((2, rows[4]), (4, rows[2])):
            values = {k: v for k, v in src._mapping.items() if k != "seq"}
            await conn.execute(update(audit_log).where(audit_log.c.seq == seq).values(**values))
    async with db.read() as conn:
        result = await verify(conn)
    assert not result.ok and result.first_bad_seq == 2


async def test_recomputing_one_hash_still_breaks_the_next_link(db: Database) -> None:
    await _fill(db)
    async with db.write() as conn:
        row = (await conn.execute(select(audit_log).where(audit_log.c.seq == 2))).one()
        from provisioning.audit.trail import entry_hash
        forged_detail = '{"to":"ACTIVE"}'
        forged = entry_hash(row.prev_hash, 2, row.at, row.actor, row.action, row.object_type, row.object_id,
                            row.enterprise_id, forged_detail)
        await conn.execute(update(audit_log).where(audit_log.c.seq == 2).values(detail=forged_detail, hash=forged))
    async with db.read() as conn:
        result = await verify(conn)
    assert not result.ok and result.first_bad_seq == 3
    async with db.read() as conn:
        assert (await conn.execute(select(audit_head.c.seq))).scalar_one() == 5
