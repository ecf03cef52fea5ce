"""Back-registration jobs over signed HTTP: upload, progress, results line by line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from carrier_gateway.api import oem_jobs
from carrier_gateway.client import ApiError, OemClient
from carrier_gateway.db import Database
from carrier_gateway.settings import Settings
from carrier_gateway.signing import signed_headers
from provisioning.jobs.ingest import Ingester
from provisioning.jobs.lines import decode_chunk
from provisioning.jobs.receive import chunk_context
from provisioning.jobs.tables import job_chunks, job_results, jobs
from provisioning.privacy.keyring import Keyring
from provisioning.registrations.tables import registrations
from tests.support.http import app_client
from tests.support.jobfiles import mixed_file, valid_file
from tests.support.world import Oem, build_oem


@pytest.fixture
async def world(db: Database, master_key: Keyring) -> Oem:
    return await build_oem(db, master_key, cards=8)


async def _count(db: Database, table: object) -> int:
    async with db.read() as conn:
        return (await conn.execute(select(func.count()).select_from(table))).scalar_one()  # type: ignore[arg-type]


def _client(http: object, oem: Oem) -> OemClient:
    return OemClient(str(http.make_url("")), oem.key_id, oem.secret, session=http.session)  # type: ignore[attr-defined]


async def test_a_job_is_ingested_verified_and_reported_line_by_line(db_url: str, world: Oem) -> None:
    job_file = mixed_file(world)
    async with app_client(db_url, sandbox=True) as http:
        oem = _client(http, world)
        accepted = await oem.upload_job(job_file.body)
        assert accepted["status"] == "RECEIVED" and accepted["lines_received"] == 8
        assert accepted["bytes"] == len(job_file.body)
        progress = await oem.wait_for_job(accepted["job_id"], timeout=20, interval=0.05)
        results = await oem.job_results(accepted["job_id"])
    assert progress["lines_received"] == progress["lines_ingested"] == 8 and progress["last_line"] == 9
    assert progress["lines_invalid"] == 2 and progress["registrations_created"] == 5
    assert progress["registrations"] == {"PENDING": 0, "VERIFIED": 4, "REJECTED": 2, "SUPERSEDED": 0}
    assert [r["line"] for r in results] == sorted(job_file.expected)
    by_line = {r["line"]: r for r in results}
    for number, (status, codes, same_as) in job_file.expected.items():
        result = by_line[number]
        if status == "INVALID":
            assert result["status"] == "REJECTED" and result["registration_id"] is None
            assert {e["code"] for e in result["errors"]} == codes
        else:
            assert result["status"] == status and {r["code"] for r in result["reasons"]} == codes
            assert result["registration_id"] is not None
        if same_as is not None:
            assert result["registration_id"] == by_line[same_as]["registration_id"]
    assert by_line[5]["errors"][0]["field"] == "vin"  # the record's first missing field, named


async def test_the_same_file_uploaded_twice_maps_to_the_same_registrations(db_url: str, db: Database,
                                                                         world: Oem, tmp_path: Path) -> None:
    path = tmp_path / "backfill.jsonl"
    path.write_bytes(valid_file(world, 6))
    async with app_client(db_url, sandbox=True) as http:
        oem = _client(http, world)
        first = await oem.upload_job_file(path)
        await oem.wait_for_job(first["job_id"], timeout=20, interval=0.05)
        stored = await _count(db, registrations)
        second = await oem.upload_job_file(path)
        again = await oem.wait_for_job(second["job_id"], timeout=20, interval=0.05)
        ids_first = [r["registration_id"] for r in await oem.job_results(first["job_id"])]
        ids_second = [r["registration_id"] for r in await oem.job_results(second["job_id"])]
    assert first["job_id"] != second["job_id"] and first["sha256"] == second["sha256"]
    assert stored == 6 and await _count(db, registrations) == 6
    assert ids_second == ids_first and len(set(ids_first)) == 6
    assert again["registrations_created"] == 0 and again["registrations"]["VERIFIED"] == 6


async def test_a_body_over_the_limit_is_413_and_stores_nothing(db_url: str, db: Database, world: Oem,
                                                               tmp_path: Path) -> None:
    body = valid_file(world, 6)
    path = tmp_path / "big.jsonl"
    path.write_bytes(body * 50)
    async with app_client(db_url, sandbox=True, max_job_bytes=len(body) - 1) as http:
        for upload in (_client(http, world).upload_job(body), _client(http, world).upload_job_file(path)):
            with pytest.raises(ApiError) as err:
                await upload
            assert err.value.status == 413 and err.value.code == "PAYLOAD_TOO_LARGE"
    assert await _count(db, jobs) == await _count(db, job_chunks) == await _count(db, registrations) == 0


async def test_a_tampered_body_is_401_and_stores_nothing(db_url: str, db: Database, world: Oem) -> None:
    body = valid_file(world, 2)
    headers = signed_headers(world.key_id, world.secret, "POST", "/v1/jobs/registrations", body)
    async with app_client(db_url, sandbox=True) as http:
        resp = await http.post("/v1/jobs/registrations", data=body.replace(b"BACKFILL", b"AT_SALE", 1),
                               headers={**headers, "Content-Type": "application/x-ndjson"})
        assert resp.status == 401 and resp.content_type == "application/problem+json"
        assert "signature" in (await resp.json())["detail"]
    assert await _count(db, jobs) == await _count(db, job_chunks) == 0


async def test_empty_bodies_and_other_media_types_are_refused(db_url: str, db: Database, world: Oem) -> None:
    async with app_client(db_url, sandbox=True) as http:
        oem = _client(http, world)
        for body in (b"", b"\n  \n\r\n"):
            with pytest.raises(ApiError) as err:
                await oem.upload_job(body)
            assert err.value.status == 422 and err.value.code == "SCHEMA_INVALID"
        with pytest.raises(ApiError) as err:
            await oem.call("POST", "/v1/jobs/registrations", body=valid_file(world, 1), content_type="text/csv")
        assert err.value.status == 415
    assert await _count(db, jobs) == await _count(db, job_chunks) == 0


async def test_another_enterprises_job_is_404_on_both_endpoints(db_url: str, db: Database, master_key: Keyring,
                                                               world: Oem) -> None:
    other = await build_oem(db, master_key, cards=1, seed=7)
    async with app_client(db_url, sandbox=True) as http:
        mine, theirs = _client(http, world), _client(http, other)
        job_id = (await mine.upload_job(valid_file(world, 2)))["job_id"]
        assert (await mine.job(job_id))["job_id"] == job_id
        for missing in (job_id, "j0000000000000000000000"):
            for call in (theirs.job(missing), theirs.job_results(missing)):
                with pytest.raises(ApiError) as err:
                    await call
                assert err.value.status == 404 and err.value.code == "JOB_NOT_FOUND"


async def test_stored_chunks_hold_no_personal_data_in_plaintext(db_url: str, db: Database, master_key: Keyring,
                                                               world: Oem) -> None:
    job_file = mixed_file(world)
    async with app_client(db_url, sandbox=True, workers=0) as http:  # no ingestion: the chunks stay
        job_id = (await _client(http, world).upload_job(job_file.body))["job_id"]
    async with db.read() as conn:
        rows = (await conn.execute(select(job_chunks.c.job_id, job_chunks.c.seq, job_chunks.c.lines_enc))).all()
    raw = "\n".join(r.lines_enc for r in rows)
    personal = [r["subject"][k] for r in job_file.records for k in ("name", "id_number", "phone", "address")]
    assert len(personal) == 20 and rows and {r.job_id for r in rows} == {job_id}
    for value in personal:
        assert value not in raw and json.dumps(value)[1:-1] not in raw
    opened = [e for r in rows for e in decode_chunk(master_key.decrypt(r.lines_enc, chunk_context(job_id, r.seq)))]
    assert "\n".join(opened).encode() + b"\n" == job_file.body


async def test_results_are_streamed_in_pages_and_can_resume_after_a_line(db_url: str, world: Oem,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(oem_jobs, "RESULTS_PAGE", 2)
    job_file = mixed_file(world, seed=5)
    async with app_client(db_url, sandbox=True) as http:
        oem = _client(http, world)
        job_id = (await oem.upload_job(job_file.body))["job_id"]
        await oem.wait_for_job(job_id, timeout=20, interval=0.05)  # results no longer change
        every = await oem.job_results(job_id)
        rest = [r async for r in oem.iter_job_results(job_id, after=5)]
    assert [r["line"] for r in every] == [1, 2, 4, 5, 6, 7, 8, 9]
    assert rest == every[4:]


async def test_a_chunk_left_by_a_dead_worker_is_ingested_once_after_its_lease(db_url: str, db: Database,
                                                                             master_key: Keyring, world: Oem) -> None:
    lease = Settings.load(environ={"CARRIER_JOB_LEASE_SECONDS": "1"}).job_lease_seconds
    async with app_client(db_url, sandbox=True, workers=0) as http:
        job_id = (await _client(http, world).upload_job(valid_file(world, 6)))["job_id"]
    dead = Ingester(db.write, master_key, lease_seconds=lease)
    claim = await dead.claim()  # ... and the worker dies holding it
    assert claim is not None and claim.job_id == job_id
    async with app_client(db_url, sandbox=True, job_lease_seconds=lease) as http:
        oem = _client(http, world)
        progress = await oem.wait_for_job(job_id, timeout=20, interval=0.05)
        results = await oem.job_results(job_id)
    assert await dead.finish(claim) is None  # a late finish of the lost claim writes nothing
    assert progress["lines_ingested"] == 6 and progress["registrations"]["VERIFIED"] == 6
    assert [r["line"] for r in results] == [1, 2, 3, 4, 5, 6] and len({r["registration_id"] for r in results}) == 6
    assert await _count(db, registrations) == await _count(db, job_results) == 6
    assert await _count(db, job_chunks) == 0
