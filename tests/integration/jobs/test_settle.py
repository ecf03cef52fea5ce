"""Settling: a job's counts follow verification, each line counted once, in any order."""

from __future__ import annotations

import asyncio
import io
import random
import time

import pytest

from carrier_gateway.db import Database
from provisioning.jobs.ingest import Ingester
from provisioning.jobs.receive import receive_job
from provisioning.jobs.settle import any_due, settle_step
from provisioning.jobs.views import job_view
from provisioning.privacy.keyring import Keyring
from provisioning.registrations.authority import SandboxAuthority
from provisioning.registrations.verify import Verifier
from tests.support.jobfiles import line, mixed_file
from tests.support.world import Oem, build_oem, individual


@pytest.fixture
async def world(db: Database, master_key: Keyring) -> Oem:
    return await build_oem(db, master_key, cards=12)


async def _ingested_job(db: Database, keyring: Keyring, oem: Oem, body: bytes) -> str:
    job = await receive_job(db.write, keyring, oem.enterprise_id, io.BytesIO(body), actor="oem:test")
    while await Ingester(db.write, keyring).step():
        pass
    return str(job["job_id"])


async def _verify_all(db: Database, keyring: Keyring) -> None:
    verifier = Verifier(write=db.write, keyring=keyring, authority=SandboxAuthority())
    while (await verifier.step()).claimed:
        pass


async def _settle(db: Database, *, now_s: int, page: int = 1000) -> int:
    async with db.write() as conn:
        return await settle_step(conn, now_s=now_s, page=page)


async def _view(db: Database, job_id: str) -> dict[str, object]:
    async with db.read() as conn:
        return await job_view(conn, job_id, enterprise_id=None)


async def test_counts_follow_verification_and_the_job_completes(db: Database, master_key: Keyring,
                                                                world: Oem) -> None:
    job_id = await _ingested_job(db, master_key, world, mixed_file(world).body)
    now = int(time.time())
    assert await _settle(db, now_s=now) == 0  # nothing decided yet
    view = await _view(db, job_id)
    assert view["status"] == "VERIFYING"
    assert view["registrations"] == {"PENDING": 6, "VERIFIED": 0, "REJECTED": 0, "SUPERSEDED": 0}
    await _verify_all(db, master_key)
    assert await _settle(db, now_s=now) == 0  # the job waits a moment after a page that settled nothing
    async with db.read() as conn:
        assert not await any_due(conn, now_s=now) and await any_due(conn, now_s=now + 1)
    assert await _settle(db, now_s=now + 1) == 6
    view = await _view(db, job_id)
    assert view["status"] == "COMPLETED"
    assert view["registrations"] == {"PENDING": 0, "VERIFIED": 4, "REJECTED": 2, "SUPERSEDED": 0}
    assert await _settle(db, now_s=now + 10) == 0


async def test_lines_settle_past_one_still_pending_page_by_page(db: Database, master_key: Keyring,
                                                                world: Oem) -> None:
    rng = random.Random(4)
    names = ["王超时"] + [None] * 6  # the sandbox authority is "unavailable" for the first: it stays PENDING
    body = b"".join(line(individual(rng, iccid=world.iccids[i], stage="BACKFILL", name=n))
                    for i, n in enumerate(names))
    job_id = await _ingested_job(db, master_key, world, body)
    await _verify_all(db, master_key)
    now = int(time.time())
    assert [await _settle(db, now_s=now, page=2) for _ in range(4)] == [1, 2, 2, 1]
    view = await _view(db, job_id)
    assert view["status"] == "VERIFYING"
    assert view["registrations"] == {"PENDING": 1, "VERIFIED": 6, "REJECTED": 0, "SUPERSEDED": 0}


async def test_two_processes_settling_at_once_count_each_line_once(db: Database, db_url: str, master_key: Keyring,
                                                                   world: Oem) -> None:
    rng = random.Random(5)
    body = b"".join(line(individual(rng, iccid=world.iccids[i], stage="BACKFILL")) for i in range(12))
    job_id = await _ingested_job(db, master_key, world, body)
    await _verify_all(db, master_key)
    other = Database(db_url)
    now = int(time.time())
    try:
        async def drain(d: Database) -> int:
            total = 0
            while settled := await _settle(d, now_s=now, page=3):
                total += settled
            return total

        first, second = await asyncio.gather(drain(db), drain(other))
    finally:
        await other.dispose()
    assert first + second == 12
    view = await _view(db, job_id)
    assert view["registrations"] == {"PENDING": 0, "VERIFIED": 12, "REJECTED": 0, "SUPERSEDED": 0}
    assert view["status"] == "COMPLETED"
