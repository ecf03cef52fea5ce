"""Orders placed through the ops API: answered at once (202), issued in the background
a chunk at a time with open orders taking turns, resumed after a crash or a stop."""

from __future__ import annotations

from sqlalchemy import func, select

from carrier_gateway.db import Database
from numbering.msisdn import segments
from provisioning.audit.tables import audit_log
from provisioning.cards import issuance
from provisioning.cards.runner import OrderRunner
from provisioning.cards.tables import cards
from tests.api.provisioning.helpers import settled, tokens
from tests.integration.provisioning.factory import ACTOR, enterprise, stock
from tests.support.http import app_client

ORDERS = "/ops/v1/orders"


async def _enterprise(db: Database, numbers: int = 1000) -> int:
    async with db.write() as conn:
        ent = await enterprise(conn)
        await stock(conn, ent.id, numbers=numbers, prefix_length=None)
    return ent.id


async def _issued(db: Database, order_id: int) -> tuple[list[str], int]:
    """The order's cards (ICCIDs, sorted) and how many chunks the audit trail records."""
    async with db.read() as conn:
        iccids = (await conn.execute(select(cards.c.iccid).where(cards.c.order_id == order_id)
                                     .order_by(cards.c.iccid))).scalars().all()
        chunks = (await conn.execute(select(func.count()).select_from(audit_log).where(
            audit_log.c.action == "cards.issued", audit_log.c.object_id == str(order_id)))).scalar_one()
    return list(iccids), chunks


async def test_an_order_is_answered_before_it_is_issued_and_the_next_order_does_not_wait(
        db_url: str, db: Database) -> None:
    """With no background workers in this app (workers=0) nothing issues an order but the
    runner driven here, so each state the API shows is exact."""
    eid = await _enterprise(db)
    h = (await tokens(db_url, "ops"))["ops"]
    async with app_client(db_url, workers=0) as client:
        resp = await client.post(ORDERS, json={"enterprise_id": eid, "count": 600, "usage": "TBOX",
                                               "chunk_size": 100}, headers=h)
        big = await resp.json()
        assert resp.status == 202 and resp.headers["Location"] == f"{ORDERS}/{big['order_id']}"
        assert (big["status"], big["issued"], big["count"]) == ("OPEN", 0, 600)  # not finished
        resp = await client.post(ORDERS, json={"enterprise_id": eid, "count": 100, "usage": "ECALL",
                                               "chunk_size": 100}, headers=h)
        small = await resp.json()
        assert resp.status == 202 and small["status"] == "OPEN"  # accepted while the first is open

        async def show(order: dict) -> tuple[str, int]:
            view = await (await client.get(f"{ORDERS}/{order['order_id']}", headers=h)).json()
            return view["status"], view["issued"]

        runner = OrderRunner(db.write)
        assert [await runner.step(), await runner.step()] == [1, 1]
        # one chunk each: the small order is done while the big one has 500 cards to go
        assert await show(big) == ("OPEN", 100) and await show(small) == ("COMPLETE", 100)
        steps = 0
        while await runner.step():
            steps += 1
        assert steps == 5 and await show(big) == ("COMPLETE", 600)
    iccids, chunks = await _issued(db, big["order_id"])
    assert len(set(iccids)) == 600 and chunks == 6
    assert (iccids[0], iccids[-1]) == (big["first_iccid"], big["last_iccid"])


async def test_the_background_workers_issue_an_order_to_the_end(db_url: str, db: Database) -> None:
    eid = await _enterprise(db)
    h = (await tokens(db_url, "ops"))["ops"]
    seen: list[int] = []
    async with app_client(db_url) as client:
        resp = await client.post(ORDERS, json={"enterprise_id": eid, "count": 300, "usage": "TBOX",
                                               "chunk_size": 100}, headers=h)
        assert resp.status == 202
        order = await settled(client, (await resp.json())["order_id"], h, seen=seen)
    assert (order["status"], order["issued"]) == ("COMPLETE", 300) and order["completed_at"] is not None
    assert seen == sorted(seen) and set(seen) <= {0, 100, 200, 300}
    iccids, chunks = await _issued(db, order["order_id"])
    assert len(set(iccids)) == 300 and chunks == 3


async def test_an_order_half_done_when_its_process_died_is_finished_without_duplicates(
        db_url: str, db: Database) -> None:
    eid = await _enterprise(db)
    async with db.write() as conn:
        order = await issuance.create_order(conn, eid, 300, "TBOX", actor=ACTOR, chunk_size=100)
    async with db.write() as conn:
        await issuance.issue_next_chunk(conn, order.id, actor=ACTOR)
    try:  # the process dies in the middle of the second chunk: its transaction never commits
        async with db.write() as conn:
            await issuance.issue_next_chunk(conn, order.id, actor=ACTOR)
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    assert len((await _issued(db, order.id))[0]) == 100
    h = (await tokens(db_url, "ops"))["ops"]
    async with app_client(db_url) as client:  # a restarted `carrier serve` picks it up
        done = await settled(client, order.id, h)
    assert (done["status"], done["issued"]) == ("COMPLETE", 300)
    iccids, chunks = await _issued(db, order.id)
    assert len(iccids) == len(set(iccids)) == 300 and chunks == 3
    assert (iccids[0], iccids[-1]) == (order.first_iccid, order.last_iccid)


async def test_an_order_that_runs_out_stops_with_its_reason_and_resumes(db_url: str, db: Database) -> None:
    eid = await _enterprise(db, numbers=150)
    h = (await tokens(db_url, "ops"))["ops"]
    async with app_client(db_url) as client:
        resp = await client.post(ORDERS, json={"enterprise_id": eid, "count": 250, "usage": "ECALL",
                                               "chunk_size": 100}, headers=h)
        stopped = await settled(client, (await resp.json())["order_id"], h)
        assert (stopped["status"], stopped["issued"]) == ("STOPPED", 100)
        assert "stopped after 100 of 250" in stopped["stopped_reason"]
        listed = await (await client.get(ORDERS, params={"status": "STOPPED"}, headers=h)).json()
        assert [o["order_id"] for o in listed["items"]] == [stopped["order_id"]]
        async with db.write() as conn:
            await segments.allocate_block(conn, eid, 200)
        resp = await client.post(f"{ORDERS}/{stopped['order_id']}/resume", headers=h)
        resumed = await resp.json()
        assert resp.status == 202 and resumed["status"] == "OPEN" and resumed["stopped_reason"] is None
        done = await settled(client, stopped["order_id"], h)
        assert (done["status"], done["issued"]) == ("COMPLETE", 250)
        resp = await client.post(f"{ORDERS}/{stopped['order_id']}/resume", headers=h)
        assert resp.status == 409 and (await resp.json())["code"] == "ORDER_COMPLETE"
    iccids, _ = await _issued(db, stopped["order_id"])
    assert len(set(iccids)) == 250


async def test_a_tiny_chunk_size_is_refused_naming_the_field(db_url: str, db: Database) -> None:
    eid = await _enterprise(db)
    h = (await tokens(db_url, "ops"))["ops"]
    async with app_client(db_url, workers=0) as client:
        resp = await client.post(ORDERS, json={"enterprise_id": eid, "count": 10000, "chunk_size": 2,
                                               "usage": "TBOX"}, headers=h)
        problem = await resp.json()
        orders = await (await client.get(ORDERS, headers=h)).json()
    assert resp.status == 422 and resp.content_type == "application/problem+json"
    assert [e["field"] for e in problem["errors"]] == ["chunk_size"] and orders["items"] == []
