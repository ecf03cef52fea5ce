"""Masked by default; in clear only for an auditor with a purpose, and every such read audited."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from carrier_gateway.db import Database
from provisioning.audit import query
from provisioning.privacy.keyring import Keyring
from provisioning.registrations.tables import registrations
from tests.api.provisioning.helpers import tokens
from tests.support.http import app_client
from tests.support.sealed import Filled, fill


@pytest.fixture
async def filled(db: Database, master_key: Keyring) -> Filled:
    return await fill(db, master_key, registrations=3)


async def _get(http: TestClient, path: str, headers: dict[str, str]) -> tuple[int, Any]:
    resp = await http.get(path, headers=headers)
    return resp.status, await resp.json()


async def _reads(db: Database) -> list[dict[str, Any]]:
    async with db.read() as conn:
        items = (await query.page(conn, query.Filters(action="personal_data.read"))).items
    return items


async def _subject(db: Database, master_key: Keyring, registration_id: str) -> dict[str, Any]:
    async with db.read() as conn:
        sealed = (await conn.execute(select(registrations.c.subject_enc)
                                     .where(registrations.c.id == registration_id))).scalar_one()
    return json.loads(master_key.decrypt(sealed, "registration.subject"))


async def test_registration_masked_for_ops_in_clear_for_an_auditor_with_a_purpose(
        db: Database, db_url: str, master_key: Keyring, filled: Filled) -> None:
    rid = filled.registration_ids[2]  # an organisation: agent and responsible person nested
    clear = await _subject(db, master_key, rid)
    h = await tokens(db_url)
    async with app_client(db_url) as http:
        for role in ("ops", "auditor"):
            status, body = await _get(http, f"/ops/v1/registrations/{rid}", h[role])
            assert status == 200 and body["enterprise_id"] == filled.oem.enterprise_id
            assert body["subject"]["agent"]["name"] != clear["agent"]["name"]
            assert body["subject"]["agent"]["id_number"].count("*") == 8
        assert (await _get(http, f"/ops/v1/registrations/{rid}", h["regulator"]))[0] == 403
        assert await _reads(db) == []  # masked reads are not personal-data reads
        status, body = await _get(http, f"/ops/v1/registrations/{rid}/unmasked", h["auditor"])
        assert status == 422 and body["code"] == "PURPOSE_REQUIRED"
        status, body = await _get(http, f"/ops/v1/registrations/{rid}/unmasked?purpose=short", h["auditor"])
        assert status == 422
        for role in ("ops", "regulator"):
            assert (await _get(http, f"/ops/v1/registrations/{rid}/unmasked?purpose=complaint+2026-118",
                               h[role]))[0] == 403
        assert await _reads(db) == []  # refused reads leave nothing to audit
        resp = await http.get(f"/ops/v1/registrations/{rid}/unmasked?purpose=complaint+2026-118", headers=h["auditor"])
        body = await resp.json()
        assert resp.status == 200 and resp.headers["Cache-Control"] == "no-store"
        assert body["subject"]["agent"] == clear["agent"]
        missing = await _get(http, "/ops/v1/registrations/r000nothere/unmasked?purpose=complaint+2026-118",
                             h["auditor"])
        assert missing[0] == 404
    reads = await _reads(db)
    assert len(reads) == 1
    entry = reads[0]
    assert (entry["object_type"], entry["object_id"], entry["enterprise_id"]) == (
        "registration", rid, filled.oem.enterprise_id)
    assert entry["actor"].startswith("ops:") and entry["detail"]["purpose"] == "complaint 2026-118"
    text = json.dumps(entry, ensure_ascii=False, default=str)
    for value in (clear["agent"]["name"], clear["agent"]["id_number"], clear["agent"]["phone"]):
        assert value not in text  # who, what and why: never the data


async def test_responsible_persons_in_clear_only_for_an_auditor_with_a_purpose(
        db: Database, db_url: str, filled: Filled) -> None:
    eid = filled.oem.enterprise_id
    h = await tokens(db_url)
    async with app_client(db_url) as http:
        status, masked = await _get(http, f"/ops/v1/enterprises/{eid}/persons?history=true", h["ops"])
        assert status == 200 and {p["phone"] for p in masked["items"]} == {"137****0001", "137****0002",
                                                                             "137****0003"}
        base = f"/ops/v1/enterprises/{eid}/persons/unmasked"
        assert (await _get(http, base, h["auditor"]))[0] == 422
        assert (await _get(http, base + "?purpose=inspection+2026-Q4", h["ops"]))[0] == 403
        status, clear = await _get(http, base + "?purpose=inspection+2026-Q4&history=true", h["auditor"])
        assert status == 200 and {p["phone"] for p in clear["items"]} == {"13700000001", "13700000002",
                                                                            "13700000003"}
        status, now = await _get(http, base + "?purpose=inspection+2026-Q4", h["auditor"])
        assert {p["phone"] for p in now["items"]} == {"13700000002", "13700000003"}  # serving now
    reads = await _reads(db)
    assert [sorted(r["detail"]["person_ids"]) for r in reads] == [sorted(filled.person_ids), filled.person_ids[1:]]
    assert all(r["object_type"] == "enterprise" and r["object_id"] == str(eid) for r in reads)


async def test_key_status_over_the_api(db_url: str, master_key: Keyring, filled: Filled) -> None:
    h = await tokens(db_url)
    async with app_client(db_url, workers=0) as http:  # the job's chunks must stay waiting
        status, body = await _get(http, "/ops/v1/privacy/keys", h["ops"])
    assert status == 200 and body["complete"] is True and body["active_key"] == master_key.active_id
    by_column = {c["column"]: c["by_key"] for c in body["columns"]}
    assert by_column["registrations.subject_enc"] == {master_key.active_id: 3}
    assert by_column["job_chunks.lines_enc"] == {master_key.active_id: 3}
