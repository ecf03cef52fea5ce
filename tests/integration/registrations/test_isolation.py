"""One bad record harms only itself, on both backends: in a group commit of single
pushes, in a batch, in a job; values a backend cannot store are refused at the edge
alike on both; and work that keeps failing ends in a visible final state instead of
being retried for ever."""

from __future__ import annotations

import asyncio
import copy
import json
import random
import time
from typing import Any

import pytest
from sqlalchemy import func, select, update

from carrier_gateway.client import ApiError, OemClient
from carrier_gateway.db import Database
from provisioning.jobs.ingest import MAX_CHUNK_ATTEMPTS, Ingester
from provisioning.jobs.tables import job_chunks, jobs
from provisioning.privacy.keyring import Keyring
from provisioning.registrations.authority import SandboxAuthority
from provisioning.registrations.tables import registrations
from provisioning.registrations.verify import Verifier
from tests.support.http import app_client
from tests.support.poison import POISON_VIN, refuse_vin
from tests.support.world import Oem, build_oem, individual


def _client(http: Any, oem: Oem) -> OemClient:
    return OemClient(str(http.make_url("")), oem.key_id, oem.secret, session=http.session)


async def _stored(db: Database, enterprise_id: int) -> int:
    async with db.read() as conn:
        return (await conn.execute(select(func.count()).select_from(registrations)
                                   .where(registrations.c.enterprise_id == enterprise_id))).scalar_one()


def _odd_records(rng: random.Random, iccids: list[str]) -> list[tuple[dict[str, Any], str, str]]:
    """(record, expected code, expected field) for records no backend may store."""
    nul_vin = individual(rng, iccid=iccids[0])
    nul_vin["vin"] = "LSVAU2187N212\x003456"
    long_type = individual(rng, iccid=iccids[1])
    long_type["subject"]["id_type"] = "X" * 40
    nul_iccid = individual(rng, iccid=iccids[2][:-1] + "\x00")
    poison = individual(rng, iccid=iccids[3], vin=POISON_VIN)
    return [(nul_vin, "SCHEMA_INVALID", "vin"), (long_type, "SCHEMA_INVALID", "subject.id_type"),
            (nul_iccid, "SCHEMA_INVALID", "iccid"), (poison, "NOT_STORED", "")]


async def test_concurrent_pushes_bad_from_one_enterprise_valid_from_another(
        db_url: str, db: Database, master_key: Keyring) -> None:
    bad_oem = await build_oem(db, master_key, cards=20, seed=1)
    good_oem = await build_oem(db, master_key, cards=20, seed=2)
    await refuse_vin(db)
    rng = random.Random(3)
    odd = _odd_records(rng, bad_oem.iccids) * 5
    valid = [individual(rng, iccid=iccid) for iccid in good_oem.iccids]
    async with app_client(db_url, sandbox=True, workers=0) as http:
        bad, good = _client(http, bad_oem), _client(http, good_oem)

        async def attempt(client: OemClient, record: dict[str, Any]) -> Any:
            try:
                return await client.push(record)
            except ApiError as exc:
                return exc

        answers = await asyncio.gather(*(attempt(c, r) for pair in zip(
            [(bad, r) for r, _, _ in odd], [(good, r) for r in valid], strict=True) for c, r in pair))
    bad_answers, good_answers = answers[0::2], answers[1::2]
    assert all(isinstance(a, dict) and a["status"] == "PENDING" for a in good_answers), good_answers
    assert await _stored(db, good_oem.enterprise_id) == 20
    for answer, (_, code, field) in zip(bad_answers, odd, strict=True):
        assert isinstance(answer, ApiError) and answer.status == 422 and answer.code == code, answer
        if field:
            assert [e["field"] for e in answer.problem["errors"]] == [field]
    assert await _stored(db, bad_oem.enterprise_id) == 0


async def test_a_batch_record_the_database_refuses_fails_alone(db_url: str, db: Database, master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=3)
    await refuse_vin(db)
    rng = random.Random(4)
    records = [individual(rng, iccid=oem.iccids[0]), individual(rng, iccid=oem.iccids[1], vin=POISON_VIN),
               individual(rng, iccid=oem.iccids[2])]
    async with app_client(db_url, sandbox=True, workers=0) as http:
        answer = await _client(http, oem).push_batch(records)
    statuses = [(r["status"], [e["code"] for e in r["errors"]]) for r in answer["results"]]
    assert statuses == [("PENDING", []), ("REJECTED", ["NOT_STORED"]), ("PENDING", [])]
    assert await _stored(db, oem.enterprise_id) == 2


async def test_a_job_with_refused_lines_completes_with_one_result_per_line(
        db_url: str, db: Database, master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=8)
    await refuse_vin(db)
    rng = random.Random(5)
    odd = _odd_records(rng, oem.iccids[:4])
    lines = [individual(rng, iccid=oem.iccids[4]), odd[0][0], individual(rng, iccid=oem.iccids[5]), odd[3][0],
             odd[1][0], individual(rng, iccid=oem.iccids[6])]
    async with app_client(db_url, sandbox=True) as http:
        client = _client(http, oem)
        job = await client.upload_job(lines)
        done = await client.wait_for_job(job["job_id"], timeout=60, interval=0.05)
        results = await client.job_results(job["job_id"])
    assert done["status"] == "COMPLETED" and done["lines_ingested"] == 6 and done["lines_invalid"] == 3
    assert [r["line"] for r in results] == [1, 2, 3, 4, 5, 6]
    codes = [r["status"] if r["registration_id"] else r["errors"][0]["code"] for r in results]
    assert codes == ["VERIFIED", "SCHEMA_INVALID", "VERIFIED", "NOT_STORED", "SCHEMA_INVALID", "VERIFIED"]


async def test_a_chunk_that_keeps_failing_is_given_up_and_its_job_completes(
        db_url: str, db: Database, master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=3)
    rng = random.Random(6)
    async with app_client(db_url, sandbox=True, workers=0) as http:
        job = await _client(http, oem).upload_job([individual(rng, iccid=i) for i in oem.iccids])
    async with db.write() as conn:  # a part of the file no retry can read
        await conn.execute(update(job_chunks).values(lines_enc="not a sealed value"))
    now = [time.time()]
    given_up = []
    ingester = Ingester(write=db.write, keyring=master_key, clock=lambda: now[0], on_given_up=given_up.append)
    for _ in range(MAX_CHUNK_ATTEMPTS):
        with pytest.raises(Exception):  # noqa: B017 - the failure itself is the point; its class is noted
            await ingester.step()
        now[0] += 3600  # past any back-off
    assert await ingester.step() == 1 and len(given_up) == 1
    assert await ingester.step() == 0, "nothing is left to retry"
    async with db.read() as conn:
        row = (await conn.execute(select(jobs).where(jobs.c.id == job["job_id"]))).one()
    assert row.status == "INGESTED" and row.chunks_failed == 1 and row.lines_invalid == 3
    assert row.failure is not None and f"{MAX_CHUNK_ATTEMPTS} failures" in row.failure
    async with app_client(db_url, sandbox=True, workers=0) as http:
        view = await _client(http, oem).job(job["job_id"])
        results = await _client(http, oem).job_results(job["job_id"])
    assert view["chunks_failed"] == 1 and view["failure"] == row.failure
    assert [(r["line"], r["errors"][0]["code"]) for r in results] == [(1, "NOT_INGESTED"), (2, "NOT_INGESTED"),
                                                                    (3, "NOT_INGESTED")]


async def test_a_registration_that_keeps_failing_is_rejected_with_its_reason(
        db_url: str, db: Database, master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=2)
    rng = random.Random(7)
    async with app_client(db_url, sandbox=True, workers=0) as http:
        broken = await _client(http, oem).push(individual(rng, iccid=oem.iccids[0]))
        fine = await _client(http, oem).push(individual(rng, iccid=oem.iccids[1]))
    async with db.write() as conn:
        await conn.execute(update(registrations).where(registrations.c.id == broken["registration_id"])
                           .values(subject_enc="not a sealed value"))
    verifier = Verifier(write=db.write, keyring=master_key, authority=SandboxAuthority(), linger_seconds=0)
    first = await verifier.step()
    assert (first.verified, first.failed) == (1, 1), "the readable one is decided at once"
    for _ in range(verifier.max_failures):
        async with db.write() as conn:  # time passes: the back-off is over
            await conn.execute(update(registrations).values(due_at=0))
        result = await verifier.step()
    assert result.given_up == 1
    async with db.read() as conn:
        rows = {r.id: r for r in await conn.execute(select(registrations))}
    given_up = rows[broken["registration_id"]]
    assert given_up.status == "REJECTED" and rows[fine["registration_id"]].status == "VERIFIED"
    reasons = json.loads(given_up.reasons)
    assert [r["code"] for r in reasons] == ["VERIFICATION_FAILED"] and given_up.last_error in reasons[0]["message"]
    assert (await verifier.step()).claimed == 0, "nothing is left to retry"


async def test_error_lines_past_the_cap_are_counted_not_stored(db_url: str, db: Database, master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=2)
    rng = random.Random(8)
    junk = [{"stage": "NOPE"}] * 10
    records = [individual(rng, iccid=oem.iccids[0]), *copy.deepcopy(junk), individual(rng, iccid=oem.iccids[1])]
    async with app_client(db_url, sandbox=True, workers=0) as http:
        job = await _client(http, oem).upload_job(records)
    ingester = Ingester(write=db.write, keyring=master_key, max_error_lines=3)
    assert await ingester.step() == 1
    async with app_client(db_url, sandbox=True, workers=0) as http:
        view = await _client(http, oem).job(job["job_id"])
        results = await _client(http, oem).job_results(job["job_id"])
    assert view["lines_invalid"] == 10 and view["errors_dropped"] == 7 and view["lines_ingested"] == 12
    assert [r["line"] for r in results] == [1, 2, 3, 4, 12]
