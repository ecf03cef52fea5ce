"""Background issuance by several runners at once (as several `carrier serve`
processes would: each its own connection pool), and beside the CLI's foreground run."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from carrier_gateway.db import Database
from provisioning.cards import issuance
from provisioning.cards.orders import get_order
from provisioning.cards.runner import OrderRunner
from provisioning.cards.tables import cards
from tests.integration.provisioning.factory import ACTOR, enterprise, stock


async def _orders(db: Database, *counts: int) -> list[int]:
    async with db.write() as conn:
        ent = await enterprise(conn)
        await stock(conn, ent.id, numbers=sum(counts), prefix_length=None)
        return [(await issuance.create_order(conn, ent.id, n, "TBOX", actor=ACTOR, chunk_size=100)).id
                for n in counts]


async def _drain(runner: OrderRunner) -> int:
    chunks = 0
    while await runner.step():
        chunks += 1
    return chunks


async def _check(db: Database, order_ids: list[int], counts: tuple[int, ...]) -> None:
    async with db.read() as conn:
        for order_id, count in zip(order_ids, counts, strict=True):
            order = await get_order(conn, order_id)
            assert (order.status, order.issued) == ("COMPLETE", count)
        total, distinct = (await conn.execute(select(func.count(), func.count(func.distinct(cards.c.msisdn)))
                                              .select_from(cards))).one()
    assert total == distinct == sum(counts)


async def test_runners_in_several_processes_share_the_open_orders(db_url: str, db: Database) -> None:
    counts = (700, 500, 300)
    order_ids = await _orders(db, *counts)
    others = [Database(db_url) for _ in range(2)]
    try:
        chunks = await asyncio.gather(*(_drain(OrderRunner(d.write, actor=f"issuer:{i}"))
                                        for i, d in enumerate([db, *others])))
    finally:
        for other in others:
            await other.dispose()
    assert sum(chunks) == 15  # every chunk issued once, whichever runner took it
    await _check(db, order_ids, counts)


async def test_the_foreground_run_and_a_background_runner_take_turns_on_one_order(db_url: str,
                                                                                  db: Database) -> None:
    [order_id] = await _orders(db, 1000)
    other = Database(db_url)
    seen: list[int] = []
    try:
        done, _ = await asyncio.gather(
            issuance.run_order(db.write, order_id, actor=ACTOR, progress=lambda o: seen.append(o.issued)),
            _drain(OrderRunner(other.write)))
    finally:
        await other.dispose()
    assert done.status == "COMPLETE" and done.issued == 1000
    assert seen == sorted(seen) and len(seen) == len(set(seen))  # the CLI's progress bar only moves forward
    await _check(db, [order_id], (1000,))


async def test_a_runner_leaves_a_stopped_order_alone(db: Database) -> None:
    async with db.write() as conn:
        ent = await enterprise(conn)
        await stock(conn, ent.id, numbers=150, prefix_length=None)
        order = await issuance.create_order(conn, ent.id, 250, "TBOX", actor=ACTOR, chunk_size=100)
    runner = OrderRunner(db.write)
    assert [await runner.step() for _ in range(3)] == [1, 1, 0]  # a chunk, the stop, then nothing to do
    async with db.read() as conn:
        stopped = await get_order(conn, order.id)
    assert (stopped.status, stopped.issued) == ("STOPPED", 100)
