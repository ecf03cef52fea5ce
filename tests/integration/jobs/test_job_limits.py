"""An enterprise's job bounds: lines and bytes per job, checked while the file is stored
(a job refused part way keeps nothing), and jobs open at once, counted one upload after
the other even from two processes."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import pytest
from sqlalchemy import func, select

from carrier_gateway.db import Database
from provisioning.jobs.errors import JobTooLarge, TooManyOpenJobs
from provisioning.jobs.ingest import Ingester
from provisioning.jobs.receive import JobLimits, receive_job
from provisioning.jobs.tables import job_chunks, jobs
from provisioning.privacy.keyring import Keyring
from tests.support.jobfiles import valid_file
from tests.support.world import Oem, build_oem

ACTOR = "oem:test"


@pytest.fixture
async def world(db: Database, master_key: Keyring) -> Oem:
    return await build_oem(db, master_key, cards=12)


async def _count(db: Database, table: Any) -> int:
    async with db.read() as conn:
        return (await conn.execute(select(func.count()).select_from(table))).scalar_one()


async def _receive(db: Database, keyring: Keyring, oem: Oem, body: bytes, limits: JobLimits) -> str:
    # chunks of two lines: a refusal comes after some chunks were stored
    job = await receive_job(db.write, keyring, oem.enterprise_id, io.BytesIO(body), actor=ACTOR, max_lines=2,
                            limits=limits)
    return str(job["job_id"])


async def test_a_job_past_its_lines_is_refused_part_way_and_keeps_nothing(db: Database, master_key: Keyring,
                                                                         world: Oem) -> None:
    body = valid_file(world, 8)
    with pytest.raises(JobTooLarge) as err:
        await _receive(db, master_key, world, body, JobLimits(max_lines=5))
    assert err.value.status == 413 and "at most 5 lines" in err.value.detail
    assert await _count(db, jobs) == await _count(db, job_chunks) == 0
    await _receive(db, master_key, world, body, JobLimits(max_lines=8))  # exactly at the limit
    assert await _count(db, jobs) == 1


async def test_a_job_past_its_bytes_is_refused_part_way_and_keeps_nothing(db: Database, master_key: Keyring,
                                                                         world: Oem) -> None:
    body = valid_file(world, 8)
    with pytest.raises(JobTooLarge) as err:
        await _receive(db, master_key, world, body, JobLimits(max_bytes=len(body) - 1))
    assert f"at most {len(body) - 1} bytes" in err.value.detail
    assert await _count(db, jobs) == await _count(db, job_chunks) == 0


async def test_open_jobs_are_bounded_until_one_is_ingested(db: Database, master_key: Keyring, world: Oem) -> None:
    limits = JobLimits(max_open=2)
    for first in (0, 2):
        await _receive(db, master_key, world, valid_file(world, 2, first_card=first), limits)
    with pytest.raises(TooManyOpenJobs) as err:
        await _receive(db, master_key, world, valid_file(world, 2, first_card=4), limits)
    assert err.value.status == 429 and err.value.retry_after > 0
    assert await _count(db, jobs) == 2 and await _count(db, job_chunks) == 2
    other = await build_oem(db, master_key, cards=2, seed=5)
    await _receive(db, master_key, other, valid_file(other, 2), limits)  # another enterprise's bound
    ingester = Ingester(db.write, master_key)
    while await ingester.step():  # every job ingested: none is open any more
        pass
    await _receive(db, master_key, world, valid_file(world, 2, first_card=4), limits)


async def test_uploads_racing_from_two_processes_open_no_more_jobs_than_allowed(
        db_url: str, db: Database, master_key: Keyring, world: Oem) -> None:
    other = Database(db_url)  # a second engine: another process's connections
    try:
        async def upload(database: Database, n: int) -> str:
            body = valid_file(world, 1, first_card=n)
            job = await receive_job(database.write, master_key, world.enterprise_id, io.BytesIO(body), actor=ACTOR,
                                    limits=JobLimits(max_open=1))
            return str(job["job_id"])

        results = await asyncio.gather(*(upload(db if n % 2 else other, n) for n in range(10)),
                                       return_exceptions=True)
    finally:
        await other.dispose()
    assert sum(isinstance(r, str) for r in results) == 1
    assert all(isinstance(r, TooManyOpenJobs) for r in results if not isinstance(r, str))
    assert await _count(db, jobs) == 1
