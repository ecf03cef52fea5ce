"""Bulk issuance: chunks, progress, resumption, exhaustion, static IPs, audit per chunk."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from carrier_gateway.db import Database
from numbering.errors import Exhausted, Invalid
from numbering.identifiers import iccid
from provisioning.audit.tables import audit_log
from provisioning.cards import issuance
from provisioning.cards.errors import OrderComplete
from provisioning.cards.orders import get_order
from provisioning.cards.tables import cards
from tests.integration.provisioning.factory import ACTOR, enterprise, stock


async def _setup(db: Database, numbers: int = 1000, prefix_length: int | None = 24) -> int:
    async with db.write() as conn:
        ent = await enterprise(conn)
        await stock(conn, ent.id, numbers=numbers, prefix_length=prefix_length)
    return ent.id


async def test_order_is_issued_in_chunks_with_unique_valid_identifiers(db: Database) -> None:
    eid = await _setup(db)
    seen: list[int] = []
    order = await issuance.issue_cards(db.write, eid, 250, "TBOX", actor=ACTOR, static_ip=True, chunk_size=100,
                                       progress=lambda o: seen.append(o.issued))
    async with db.read() as conn:
        rows = (await conn.execute(select(cards).order_by(cards.c.iccid))).all()
        chunks = (await conn.execute(select(audit_log.c.detail).where(audit_log.c.action == "cards.issued"))).all()
    assert seen == [0, 100, 200, 250] and order.status == "COMPLETE" and order.issued == 250
    assert len(rows) == 250 and len(chunks) == 3
    assert rows[0].iccid == order.first_iccid and rows[-1].iccid == order.last_iccid
    assert all(iccid.validate(r.iccid, strict=True) == r.iccid for r in rows)
    for column in ("iccid", "imsi", "msisdn", "static_ip"):
        assert len({getattr(r, column) for r in rows}) == 250
    assert all(r.state == "INVENTORY" and r.real_name_status == "NONE" and r.usage == "TBOX" for r in rows)
    assert all(r.msisdn.startswith("1440") and len(r.msisdn) == 13 for r in rows)


async def test_exhausted_chunk_leaves_no_half_issued_card_and_the_order_resumes(db: Database) -> None:
    eid = await _setup(db, numbers=150, prefix_length=None)
    with pytest.raises(Exhausted, match="stopped after 100 of 250"):
        await issuance.issue_cards(db.write, eid, 250, "ECALL", actor=ACTOR, chunk_size=100)
    async with db.read() as conn:
        order = (await conn.execute(select(func.max(cards.c.order_id)))).scalar_one()
        stopped = await get_order(conn, order)
        count = (await conn.execute(select(func.count()).select_from(cards))).scalar_one()
    assert stopped.issued == 100 and stopped.status == "STOPPED" and count == 100
    assert stopped.stopped_reason is not None and "resume order" in stopped.stopped_reason
    async with db.write() as conn:
        from numbering.msisdn import segments
        await segments.allocate_block(conn, eid, 100)
    done = await issuance.run_order(db.write, stopped.id, actor=ACTOR)
    async with db.read() as conn:
        iccids = (await conn.execute(select(cards.c.iccid).order_by(cards.c.iccid))).scalars().all()
        actions = (await conn.execute(select(audit_log.c.action).where(audit_log.c.object_type == "order")
                                      .order_by(audit_log.c.seq))).scalars().all()
    assert done.complete and done.stopped_reason is None and len(iccids) == 250 == len(set(iccids))
    assert actions == ["order.created", "cards.issued", "order.stopped", "order.resumed", "cards.issued",
                       "cards.issued"]
    assert iccids[0] == done.first_iccid and iccids[-1] == done.last_iccid
    async with db.write() as conn:
        with pytest.raises(OrderComplete):
            await issuance.issue_next_chunk(conn, done.id, actor=ACTOR)


async def test_interrupted_chunk_rolls_back_whole(db: Database) -> None:
    eid = await _setup(db)
    async with db.write() as conn:
        order = await issuance.create_order(conn, eid, 200, "INFOTAINMENT", actor=ACTOR, chunk_size=100)
    with pytest.raises(RuntimeError):
        async with db.write() as conn:
            await issuance.issue_next_chunk(conn, order.id, actor=ACTOR)
            raise RuntimeError("process killed mid-chunk")
    async with db.read() as conn:
        assert (await conn.execute(select(func.count()).select_from(cards))).scalar_one() == 0
        assert (await get_order(conn, order.id)).issued == 0
    done = await issuance.run_order(db.write, order.id, actor=ACTOR)
    assert done.issued == 200


@pytest.mark.parametrize(("count", "usage", "chunk", "needle"), [
    (0, "TBOX", 100, "count"), (5, "PHONE", 100, "usage"),
    (10_000, "TBOX", 2, "chunk size must be 100 to 50,000"),  # 5,000 commits for 10,000 cards
    (10_000, "TBOX", 50_001, "chunk size must be 100 to 50,000"),
])
async def test_bad_orders_are_refused(db: Database, count: int, usage: str, chunk: int, needle: str) -> None:
    eid = await _setup(db)
    async with db.write() as conn:
        with pytest.raises(Invalid, match=needle) as refused:
            await issuance.create_order(conn, eid, count, usage, actor=ACTOR, chunk_size=chunk)
    assert refused.value.field == ("chunk_size" if chunk != 100 else "count" if count == 0 else "usage")


async def test_expired_agent_cannot_buy(db: Database) -> None:
    import datetime as dt

    from numbering.errors import Forbidden
    async with db.write() as conn:
        oem = await enterprise(conn, 1)
        agent = await enterprise(conn, 2, kind="AGENT", authorized_by=oem.id,
                                 authorized_until=dt.date(2020, 1, 1))
        with pytest.raises(Forbidden, match="expired on 2020-01-01"):
            await issuance.create_order(conn, agent.id, 5, "TBOX", actor=ACTOR)
