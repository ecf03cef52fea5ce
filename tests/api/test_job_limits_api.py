"""Job bounds over HTTP: a file past the lines limit is a 413, an enterprise with too
many jobs not yet ingested gets a 429 with Retry-After; neither keeps anything."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from carrier_gateway.client import ApiError, OemClient
from carrier_gateway.db import Database
from carrier_gateway.signing import signed_headers
from provisioning.jobs.tables import job_chunks, jobs
from provisioning.privacy.keyring import Keyring
from tests.support.http import app_client
from tests.support.jobfiles import valid_file
from tests.support.world import Oem, build_oem

PATH = "/v1/jobs/registrations"


@pytest.fixture
async def world(db: Database, master_key: Keyring) -> Oem:
    return await build_oem(db, master_key, cards=6)


async def _jobs(db: Database) -> tuple[int, int]:
    async with db.read() as conn:
        count = [(await conn.execute(select(func.count()).select_from(t))).scalar_one() for t in (jobs, job_chunks)]
    return count[0], count[1]


async def test_a_file_past_the_lines_limit_is_413_and_keeps_nothing(db_url: str, db: Database, world: Oem) -> None:
    async with app_client(db_url, workers=0, max_job_lines=3) as http:
        oem = OemClient(str(http.make_url("")), world.key_id, world.secret, session=http.session)
        with pytest.raises(ApiError) as err:
            await oem.upload_job(valid_file(world, 4))
        assert err.value.status == 413 and err.value.code == "JOB_TOO_LARGE"
        assert "at most 3 lines" in err.value.problem["detail"]
        assert await _jobs(db) == (0, 0)
        assert (await oem.upload_job(valid_file(world, 3)))["lines_received"] == 3


def _signed(oem: Oem, body: bytes) -> dict[str, str]:
    return {**signed_headers(oem.key_id, oem.secret, "POST", PATH, body), "Content-Type": "application/x-ndjson"}


async def test_too_many_open_jobs_is_429_with_retry_after(db_url: str, db: Database, world: Oem) -> None:
    async with app_client(db_url, workers=0, max_open_jobs=2) as http:  # no worker: jobs stay open
        for first in (0, 2):
            body = valid_file(world, 1, first_card=first)
            assert (await http.post(PATH, data=body, headers=_signed(world, body))).status == 202
        body = valid_file(world, 1, first_card=4)
        resp = await http.post(PATH, data=body, headers=_signed(world, body))
        problem = await resp.json()
        assert resp.status == 429 and problem["code"] == "TOO_MANY_OPEN_JOBS" and "at most 2" in problem["detail"]
        assert int(resp.headers["Retry-After"]) >= 1
    assert await _jobs(db) == (2, 2)
