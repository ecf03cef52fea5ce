"""Cross-tenant: every /v1 endpoint that takes an id answers another enterprise's object
exactly as a missing one (404, the same problem body but for the id), and a push naming
another enterprise's card is rejected exactly as one naming no card."""

from __future__ import annotations

import random
from typing import Any

from aiohttp.test_utils import TestClient

from carrier_gateway.app import routers
from carrier_gateway.client import OemClient
from carrier_gateway.db import Database
from carrier_gateway.signing import signed_headers
from provisioning.privacy.keyring import Keyring
from tests.api.test_reason_codes import decided
from tests.support.http import app_client
from tests.support.world import Oem, build_oem, individual

#: every OEM endpoint with an id in its path, as (template, the kind of id)
ID_ENDPOINTS = {"/v1/registrations/{registration_id}": "registration", "/v1/cards/{iccid}": "card",
                "/v1/jobs/{job_id}": "job", "/v1/jobs/{job_id}/results": "job"}
MISSING = {"registration": "r0193a1b2c3d4e5f6a7b8c9", "card": "89860499999999999997",
           "job": "j0193a1b2c3d4e5f6a7b8c9"}


def test_the_list_of_id_endpoints_is_complete() -> None:
    found = {e.path for r in routers() for e in r.endpoints
             if e.auth == "oem" and e.method == "GET" and "{" in e.path}
    assert found == set(ID_ENDPOINTS)


async def _get(http: TestClient, oem: Oem, path: str) -> tuple[int, dict[str, Any]]:
    resp = await http.get(path, headers=signed_headers(oem.key_id, oem.secret, "GET", path, b""))
    return resp.status, (await resp.json(content_type=None) if resp.status >= 400 else {})


def _shape(body: dict[str, Any], the_id: str) -> dict[str, Any]:
    """The problem body with the requested id (and the per-request id) taken out."""
    return {k: (v.replace(the_id, "<id>") if isinstance(v, str) else v) for k, v in body.items()
            if k != "request_id"}


async def test_another_enterprises_objects_are_answered_like_missing_ones(db_url: str, db: Database,
                                                                          master_key: Keyring) -> None:
    mine = await build_oem(db, master_key, cards=2)
    theirs = await build_oem(db, master_key, cards=1, seed=7)
    rng = random.Random(8)
    async with app_client(db_url, sandbox=True) as http:
        client = OemClient(str(http.make_url("")), mine.key_id, mine.secret, session=http.session)
        ids = {"registration": (await client.push(individual(rng, iccid=mine.iccids[0])))["registration_id"],
               "card": mine.iccids[1],
               "job": (await client.upload_job([individual(rng, iccid=mine.iccids[1], stage="BACKFILL")]))["job_id"]}
        for template, kind in ID_ENDPOINTS.items():
            field = template[template.index("{") + 1:template.index("}")]
            own_status, _ = await _get(http, mine, template.replace("{" + field + "}", ids[kind]))
            assert own_status == 200, template
            other_status, other = await _get(http, theirs, template.replace("{" + field + "}", ids[kind]))
            missing_status, missing = await _get(http, theirs, template.replace("{" + field + "}", MISSING[kind]))
            assert other_status == missing_status == 404, template
            assert _shape(other, ids[kind]) == _shape(missing, MISSING[kind]), template
            assert set(other) == set(missing) and other["code"] == missing["code"]


async def test_a_push_naming_another_enterprises_card_is_rejected_like_a_missing_card(
        db_url: str, db: Database, master_key: Keyring) -> None:
    mine = await build_oem(db, master_key, cards=1)
    theirs = await build_oem(db, master_key, cards=1, seed=7)
    rng = random.Random(9)
    async with app_client(db_url, sandbox=True) as http:
        client = OemClient(str(http.make_url("")), mine.key_id, mine.secret, session=http.session)
        by_msisdn = individual(rng, iccid="x" * 20)
        del by_msisdn["iccid"]
        pushes = [individual(rng, iccid=theirs.iccids[0]), individual(rng, iccid=MISSING["card"]),
                  {**by_msisdn, "msisdn": theirs.msisdns[0]}, {**by_msisdn, "msisdn": "1440999999999"}]
        batch = (await client.push_batch(pushes))["results"]
        views = [await decided(client, r["registration_id"]) for r in batch]
        single = await decided(client, (await client.push(individual(rng, iccid=theirs.iccids[0])))["registration_id"])
    reasons = [v["reasons"] for v in [*views, single]]
    assert all(v["status"] == "REJECTED" for v in [*views, single])
    # theirs and missing read the same, by ICCID and by MSISDN; the field names what the record used
    assert reasons[0] == reasons[1] == reasons[4] and reasons[2] == reasons[3]
    assert [(r["code"], r["field"]) for r in reasons[0]] == [("CARD_NOT_FOUND", "iccid")]
    assert [(r["code"], r["field"]) for r in reasons[2]] == [("CARD_NOT_FOUND", "msisdn")]
