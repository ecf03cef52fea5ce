"""Receiving and ingesting jobs on a real database: leases, crashes, shared queues."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import random
import time

import pytest
from sqlalchemy import func, select

from carrier_gateway.db import Database
from provisioning.audit.tables import audit_log
from provisioning.jobs.errors import EmptyJob, JobNotFound
from provisioning.jobs.ingest import Ingester, abandon_stale, claim_chunk
from provisioning.jobs.receive import receive_job
from provisioning.jobs.tables import job_chunks, job_results, jobs
from provisioning.jobs.views import job_view, result_page
from provisioning.privacy.keyring import Keyring
from provisioning.registrations.tables import registrations
from tests.support.jobfiles import line, valid_file
from tests.support.world import Oem, build_oem, individual

ACTOR = "oem:test"


@pytest.fixture
async def world(db: Database, master_key: Keyring) -> Oem:
    return await build_oem(db, master_key, cards=30)


async def _count(db: Database, table: object, *where: object) -> int:
    async with db.read() as conn:
        query = select(func.count()).select_from(table).where(*where)  # type: ignore[arg-type]
        return (await conn.execute(query)).scalar_one()


async def _receive(db: Database, keyring: Keyring, oem: Oem, body: bytes, **kw: int) -> str:
    job = await receive_job(db.write, keyring, oem.enterprise_id, io.BytesIO(body), actor=ACTOR, **kw)
    return str(job["job_id"])


async def test_a_received_job_is_stored_in_chunks_and_claimable_only_once_complete(db: Database, master_key: Keyring,
                                                                                  world: Oem) -> None:
    job_id = await _receive(db, master_key, world, valid_file(world, 25), max_lines=10)
    async with db.read() as conn:
        chunks = (await conn.execute(select(job_chunks.c.seq, job_chunks.c.first_line, job_chunks.c.line_count)
                                     .order_by(job_chunks.c.seq))).all()
        view = await job_view(conn, job_id, enterprise_id=world.enterprise_id)
    assert [tuple(c) for c in chunks] == [(1, 1, 10), (2, 11, 10), (3, 21, 5)]
    assert view["status"] == "RECEIVED" and view["lines_received"] == 25 and view["chunks"] == 3
    async with db.write() as conn:  # a half-stored upload (its process died) is never claimed
        await conn.execute(job_chunks.update().where(job_chunks.c.seq == 3).values(due_at=None))
    ingester = Ingester(db.write, master_key)
    assert [await ingester.step() for _ in range(3)] == [1, 1, 0]


class _DyingStream(io.BytesIO):
    """The upload's source fails part way, as when its process dies mid-store."""

    def __init__(self, body: bytes, fail_after: int) -> None:
        super().__init__(body)
        self._left = fail_after

    def readline(self, size: int | None = -1) -> bytes:
        self._left -= 1
        if self._left < 0:
            raise OSError("connection lost")
        return super().readline(size)


async def test_an_upload_that_dies_part_way_is_never_ingested(db: Database, master_key: Keyring, world: Oem) -> None:
    with pytest.raises(OSError):
        await receive_job(db.write, master_key, world.enterprise_id, _DyingStream(valid_file(world, 10), 7),
                          actor=ACTOR, max_lines=3)
    assert await _count(db, job_chunks) == 2 and await _count(db, jobs, jobs.c.status == "RECEIVING") == 1
    assert await Ingester(db.write, master_key).step() == 0
    assert await _count(db, registrations) == 0


async def test_a_received_job_is_audited_without_personal_data(db: Database, master_key: Keyring,
                                                               world: Oem) -> None:
    body = valid_file(world, 2)
    job_id = await _receive(db, master_key, world, body)
    async with db.read() as conn:
        (entry,) = (await conn.execute(select(audit_log).where(audit_log.c.action == "job.received"))).all()
    assert (entry.object_id, entry.enterprise_id, entry.actor) == (job_id, world.enterprise_id, ACTOR)
    assert json.loads(entry.detail) == {"lines": 2, "bytes": len(body), "sha256": hashlib.sha256(body).hexdigest()}


async def test_an_upload_without_records_stores_nothing(db: Database, master_key: Keyring, world: Oem) -> None:
    with pytest.raises(EmptyJob):
        await _receive(db, master_key, world, b"\n \n\r\n")
    assert await _count(db, jobs) == await _count(db, job_chunks) == 0


async def test_a_dead_workers_chunk_is_redone_after_its_lease_and_its_late_finish_writes_nothing(
        db: Database, master_key: Keyring, world: Oem) -> None:
    job_id = await _receive(db, master_key, world, valid_file(world, 12), max_lines=5)
    now = time.time()
    dead = Ingester(db.write, master_key, lease_seconds=30, clock=lambda: now)
    lost = await dead.claim()
    assert lost is not None and lost.seq == 1
    during = Ingester(db.write, master_key, lease_seconds=30, clock=lambda: now + 29)
    assert [await during.step() for _ in range(3)] == [1, 1, 0]  # the other chunks, not the leased one
    after = Ingester(db.write, master_key, lease_seconds=30, clock=lambda: now + 31)
    assert await after.step() == 1
    assert await dead.finish(lost) is None
    async with db.read() as conn:
        view = await job_view(conn, job_id, enterprise_id=None)
        results = (await result_page(conn, job_id)).items
    assert view["status"] == "VERIFYING" and view["lines_ingested"] == 12 and view["registrations_created"] == 12
    assert [r["line"] for r in results] == list(range(1, 13))
    assert await _count(db, registrations) == 12 and await _count(db, job_chunks) == 0
    assert await _count(db, registrations, registrations.c.job_id == job_id) == 12


async def test_concurrent_ingesters_share_the_queue_and_each_line_gets_one_result(
        db: Database, db_url: str, master_key: Keyring, world: Oem) -> None:
    job_ids = [await _receive(db, master_key, world, valid_file(world, 15, seed=s, first_card=15 * (s % 2)),
                              max_lines=3) for s in range(4)]
    other = Database(db_url)
    try:
        async def drain(ingester: Ingester) -> int:
            done = 0
            while await ingester.step():
                done += 1
            return done

        handled = await asyncio.gather(drain(Ingester(db.write, master_key)), drain(Ingester(other.write, master_key)))
    finally:
        await other.dispose()
    assert sum(handled) == 20
    assert await _count(db, job_results) == 60 and await _count(db, registrations) == 60
    for job_id in job_ids:
        async with db.read() as conn:
            view = await job_view(conn, job_id, enterprise_id=None)
        assert view["lines_ingested"] == 15 and view["chunks_done"] == view["chunks"] == 5


async def test_uploads_left_receiving_are_abandoned_and_never_ingested(db: Database, master_key: Keyring,
                                                                       world: Oem) -> None:
    job_id = await _receive(db, master_key, world, valid_file(world, 4), max_lines=2)
    async with db.write() as conn:  # as if the process died before the last transaction
        await conn.execute(jobs.update().values(status="RECEIVING", touched_at=int(time.time()) - 7200))
        await conn.execute(job_chunks.update().values(due_at=None))
    async with db.write() as conn:
        assert await abandon_stale(conn, now_s=int(time.time()), older_than=3600) == [job_id]
        assert await claim_chunk(conn, now_s=int(time.time()), lease_seconds=60) is None
    assert await _count(db, job_chunks) == 0
    assert await _count(db, jobs, jobs.c.status == "ABANDONED") == 1
    async with db.read() as conn:
        with pytest.raises(JobNotFound):  # never answered: the OEM has no such job
            await job_view(conn, job_id, enterprise_id=world.enterprise_id)


async def test_a_large_file_is_ingested_one_bounded_chunk_per_step(db: Database, master_key: Keyring,
                                                                   world: Oem) -> None:
    rng = random.Random(9)
    body = b"".join(line(individual(rng, iccid=f"898600{n:014d}")) for n in range(1000))
    job_id = await _receive(db, master_key, world, body, max_lines=100)
    ingester = Ingester(db.write, master_key)
    progress = []
    while await ingester.step():
        async with db.read() as conn:
            progress.append((await job_view(conn, job_id, enterprise_id=None))["lines_ingested"])
    assert progress == list(range(100, 1001, 100))
    assert await _count(db, job_results) == await _count(db, registrations) == 1000
