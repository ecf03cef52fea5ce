"""carrier_gateway.planstats on PostgreSQL: a table filled in a burst is analysed, so
the planner knows its size; one process at a time analyses, and a table that barely
changed is left alone. (SQLite plans without statistics: nothing to do there.)"""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from carrier_gateway import planstats
from carrier_gateway.background import _planner_statistics
from carrier_gateway.db import Database
from carrier_gateway.nonces import NonceClaim, claim_nonces
from carrier_gateway.workers import Workers

BURST = 3 * planstats.MIN_CHANGES


@pytest.fixture
def pg(db: Database, backend: str) -> Database:
    if backend != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's (SQLite's planner assumes an index narrows a search)")
    return db


async def _estimated_rows(conn: AsyncConnection, key_id: str) -> float:
    plan = (await conn.execute(text("EXPLAIN (FORMAT JSON) SELECT * FROM oem_nonces WHERE key_id = :k"),
                               {"k": key_id})).scalar_one()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return float(plan[0]["Plan"]["Plan Rows"])


async def _burst(db: Database, count: int, key_id: str = "k1") -> None:
    """``count`` new rows, counted in pg_stat_user_tables once this returns (a backend
    reports its counts when it goes idle, at most once a second unless told to)."""
    async with db.write() as conn:
        await claim_nonces(conn, [NonceClaim(key_id, f"n{i:06d}", 2_000_000_000) for i in range(count)])
        await conn.execute(text("SELECT pg_stat_force_next_flush()"))


async def test_a_table_filled_in_a_burst_is_analysed_and_the_planner_then_knows_its_size(pg: Database) -> None:
    await _burst(pg, BURST)
    async with pg.read() as conn:
        before = await _estimated_rows(conn, "k1")
        stale = await planstats.stale_tables(conn)
    assert before < BURST / 10  # the planner's guess with no statistics: a sliver of the table
    assert "oem_nonces" in stale
    async with pg.write() as conn:
        analysed = await planstats.refresh_statistics(conn)
    assert "oem_nonces" in analysed
    async with pg.read() as conn:
        after = await _estimated_rows(conn, "k1")
        assert "oem_nonces" not in await planstats.stale_tables(conn)
    assert abs(after - BURST) <= BURST * 0.1  # every row has this key, and the planner now knows it
    async with pg.write() as conn:
        assert await planstats.refresh_statistics(conn) == []  # nothing changed since


async def test_a_table_that_changed_by_less_than_the_thresholds_is_left_alone(pg: Database) -> None:
    await _burst(pg, BURST)
    async with pg.write() as conn:
        await planstats.refresh_statistics(conn)
    await _burst(pg, planstats.MIN_CHANGES - 1, key_id="k2")  # below the absolute threshold
    async with pg.write() as conn:
        assert "oem_nonces" not in await planstats.refresh_statistics(conn)
    await _burst(pg, planstats.MIN_CHANGES, key_id="k3")  # now past both (2,999 of 5,998 rows changed)
    async with pg.write() as conn:
        assert "oem_nonces" in await planstats.refresh_statistics(conn)


async def test_a_large_table_waits_until_a_fifth_of_it_changed(pg: Database) -> None:
    """The share is a real share (not rounded away): 1,000 new rows in a table of
    10,000 are not enough, 2,500 are."""
    await _burst(pg, 10 * planstats.MIN_CHANGES)
    async with pg.write() as conn:
        await planstats.refresh_statistics(conn)
    await _burst(pg, planstats.MIN_CHANGES, key_id="k2")  # past the minimum, 1,000 of 11,000
    async with pg.write() as conn:
        assert "oem_nonces" not in await planstats.refresh_statistics(conn)
    await _burst(pg, 1500, key_id="k3")  # 2,500 of 12,500: a fifth
    async with pg.write() as conn:
        assert "oem_nonces" in await planstats.refresh_statistics(conn)


async def test_one_process_at_a_time_analyses(pg: Database) -> None:
    await _burst(pg, BURST)
    async with pg.write() as holder:  # another process's refresh, still running
        assert (await holder.execute(text("SELECT pg_try_advisory_xact_lock(:k)"),
                                     {"k": planstats._LOCK_KEY})).scalar_one()
        other = Database(pg.url.render_as_string(hide_password=False))
        try:
            async with other.write() as conn:
                assert await planstats.refresh_statistics(conn) == []
            async with other.read() as conn:
                assert "oem_nonces" in await planstats.stale_tables(conn)  # left for the holder
        finally:
            await other.dispose()
    async with pg.write() as conn:  # the lock went with the holder's transaction
        assert "oem_nonces" in await planstats.refresh_statistics(conn)


async def test_serve_adds_the_statistics_worker_and_says_when_autovacuum_is_off(
        pg: Database, caplog: pytest.LogCaptureFixture) -> None:
    workers = Workers()
    with caplog.at_level(logging.WARNING, logger="carrier.workers"):
        await _planner_statistics(workers, pg)
    async with pg.read() as conn:
        off = await planstats.autovacuum_is_off(conn)
    assert [w.name for w in workers.named("planner-statistics")] == ["planner-statistics"]
    assert any("autovacuum is off" in r.getMessage() for r in caplog.records) is off
    await _burst(pg, BURST)
    (worker,) = workers.named("planner-statistics")
    assert await worker._step() == 0  # it waits its interval before the next look...
    async with pg.read() as conn:
        assert "oem_nonces" not in await planstats.stale_tables(conn)  # ...having analysed the burst
