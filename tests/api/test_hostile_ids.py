"""Ids and filters no row can have, and text no backend can store, get the same answer on
every backend: 404 for a path value, 422 naming the parameter for a query or body
value. Left to the database, PostgreSQL fails on them (INTEGER is 32 bits, text refuses
NUL) and SQLite overflows past 2^63-1: a 500 either way."""

from __future__ import annotations

import random
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select
from yarl import URL

from carrier_gateway.client import OemClient
from carrier_gateway.db import Database
from carrier_gateway.signing import signed_headers
from provisioning.cards.tables import card_orders
from provisioning.enterprises.tables import api_keys
from provisioning.privacy.keyring import Keyring
from tests.api.provisioning.helpers import tokens
from tests.support.http import app_client
from tests.support.world import Oem, build_oem, individual

#: past INTEGER on PostgreSQL, past BIGINT everywhere, and more digits than int() reads
HUGE = ("2147483648", "9223372036854775808", "9" * 5000)


@pytest.fixture
async def world(db: Database, master_key: Keyring) -> Oem:
    return await build_oem(db, master_key, cards=2)


async def _get(http: TestClient, path: str, headers: dict[str, str]) -> Any:
    return await http.get(URL(path, encoded=True), headers=headers)


def _fields(problem: dict[str, Any]) -> set[str]:
    return {e["field"] for e in problem.get("errors", [])}


async def test_integer_path_ids_out_of_range_are_not_found(db_url: str, world: Oem) -> None:
    h = (await tokens(db_url, "ops"))["ops"]
    templates = [("GET", "/ops/v1/enterprises/{}"), ("GET", "/ops/v1/enterprises/{}/persons"),
                 ("GET", "/ops/v1/enterprises/{}/keys"), ("DELETE", "/ops/v1/enterprises/{}/destinations"),
                 ("GET", "/ops/v1/orders/{}"), ("POST", "/ops/v1/orders/{}/resume"), ("GET", "/ops/v1/segments/{}"),
                 ("GET", "/ops/v1/pools/{}"), ("DELETE", "/ops/v1/blocks/{}"), ("DELETE", "/ops/v1/prefixes/{}")]
    async with app_client(db_url) as http:
        for method, template in templates:
            for value in (*HUGE, "0", "000"):
                resp = await http.request(method, template.format(value), headers=h)
                problem = await resp.json()
                assert (resp.status, problem["code"]) == (404, "NOT_FOUND"), (method, template, value[:20])
        # the largest id that fits is looked up as usual, and leading zeros name the same row
        assert (await http.get("/ops/v1/enterprises/2147483647", headers=h)).status == 404
        found = await http.get(f"/ops/v1/enterprises/000{world.enterprise_id}", headers=h)
        assert found.status == 200 and (await found.json())["id"] == world.enterprise_id


async def test_filters_out_of_range_or_of_the_wrong_type_name_the_parameter(db_url: str, world: Oem) -> None:
    h = await tokens(db_url, "ops", "auditor")
    cases = [("/ops/v1/cards?enterprise_id={}", "enterprise_id"), ("/ops/v1/orders?enterprise_id={}", "enterprise_id"),
             ("/ops/v1/jobs?enterprise_id={}", "enterprise_id"), ("/ops/v1/backfill?enterprise={}", "enterprise"),
             ("/ops/v1/backfill/summary?enterprise={}", "enterprise"), ("/ops/v1/webhooks?enterprise={}", "enterprise"),
             ("/ops/v1/prefixes?enterprise_id={}", "enterprise_id"), ("/ops/v1/prefixes?pool_id={}", "pool_id"),
             ("/ops/v1/blocks?enterprise_id={}", "enterprise_id"), ("/ops/v1/blocks?segment_id={}", "segment_id"),
             ("/ops/v1/audit?enterprise_id={}", "enterprise_id")]
    async with app_client(db_url) as http:
        for template, field in cases:
            role = "auditor" if "audit" in template else "ops"
            for value in (*HUGE[:2], "0", "-1", "one"):
                resp = await http.get(template.format(value), headers=h[role])
                problem = await resp.json()
                assert resp.status == 422 and problem["code"] == "SCHEMA_INVALID", (template, value)
                assert _fields(problem) == {field}, (template, problem)
            assert (await http.get(template.format(2147483647), headers=h[role])).status == 200


async def test_body_ids_out_of_range_name_the_field_and_write_nothing(db: Database, db_url: str,
                                                                     world: Oem) -> None:
    h = (await tokens(db_url, "ops"))["ops"]
    ent, huge = world.enterprise_id, 2**31
    cases = [("/ops/v1/orders", {"enterprise_id": huge, "count": 1, "usage": "TBOX"}, "enterprise_id"),
             ("/ops/v1/backfill", {"enterprise_id": huge, "iccids": world.iccids}, "enterprise_id"),
             ("/ops/v1/backfill/unflag", {"enterprise_id": 2**63, "iccids": world.iccids}, "enterprise_id"),
             ("/ops/v1/webhooks/retry", {"enterprise_id": huge}, "enterprise_id"),
             ("/ops/v1/segments/allocate", {"enterprise_id": huge, "count": 10}, "enterprise_id"),
             ("/ops/v1/segments/allocate", {"enterprise_id": ent, "count": 10, "segment_id": huge}, "segment_id"),
             ("/ops/v1/pools/allocate", {"enterprise_id": huge, "prefix_length": 28}, "enterprise_id"),
             ("/ops/v1/pools/allocate", {"enterprise_id": ent, "prefix_length": 28, "pool_id": huge}, "pool_id"),
             ("/ops/v1/enterprises", {"name": "代理有限公司", "uscc": "91350100M000100Y43", "kind": "AGENT",
                                      "authorized_by": huge}, "authorized_by")]
    async with app_client(db_url) as http:
        for path, body, field in cases:
            resp = await http.post(path, json=body, headers=h)
            problem = await resp.json()
            assert resp.status == 422 and _fields(problem) == {field}, (path, problem)
    async with db.read() as conn:
        assert (await conn.execute(select(func.count()).select_from(card_orders))).scalar_one() == 1  # build_oem's


async def test_nul_in_a_path_query_or_body_is_refused_not_stored(db: Database, db_url: str, world: Oem) -> None:
    h = await tokens(db_url, "ops", "auditor")
    oem_paths = ["/v1/cards/8986%00", "/v1/registrations/r%00", "/v1/jobs/j%00", "/v1/jobs/j%00/results"]
    async with app_client(db_url) as http:
        for path in oem_paths:
            resp = await _get(http, path, signed_headers(world.key_id, world.secret, "GET", path, b""))
            assert resp.status == 404 and (await resp.json())["code"] == "NOT_FOUND", path
        for path in ["/ops/v1/jobs/j%00", "/ops/v1/enterprises/1%00"]:
            assert (await _get(http, path, h["ops"])).status == 404, path
        signed = "/v1/cards?cursor=%00"
        resp = await _get(http, signed, signed_headers(world.key_id, world.secret, "GET", signed, b""))
        assert resp.status == 422 and _fields(await resp.json()) == {"cursor"}
        for path, role, field in [("/ops/v1/cards?cursor=%00", "ops", "cursor"),
                                  ("/ops/v1/audit?actor=ops%003", "auditor", "actor")]:
            resp = await _get(http, path, h[role])
            assert resp.status == 422 and _fields(await resp.json()) == {field}, path
        resp = await http.post(f"/ops/v1/enterprises/{world.enterprise_id}/keys", json={"label": "TSP\x00prod"},
                               headers=h["ops"])
        assert resp.status == 422 and _fields(await resp.json()) == {"label"}
    async with db.read() as conn:
        assert (await conn.execute(select(func.count()).select_from(api_keys))).scalar_one() == 1  # build_oem's


async def test_a_results_resume_point_past_any_line_names_after(db_url: str, world: Oem) -> None:
    path = "/v1/jobs/j1a2212b1000884f079996/results?after=2147483648"
    async with app_client(db_url) as http:
        resp = await _get(http, path, signed_headers(world.key_id, world.secret, "GET", path, b""))
        assert resp.status == 422 and _fields(await resp.json()) == {"after"}


async def test_a_nul_in_one_batch_record_rejects_that_record_only(db_url: str, world: Oem) -> None:
    rng = random.Random(5)
    good, bad = individual(rng, iccid=world.iccids[0]), individual(rng, iccid=world.iccids[1])
    bad["subject"]["address"] = "北京市\x00朝阳区"
    async with app_client(db_url) as http:
        oem = OemClient(str(http.make_url("")), world.key_id, world.secret, session=http.session)
        results = (await oem.push_batch([good, bad]))["results"]
    assert [r["status"] for r in results] == ["PENDING", "REJECTED"]
    assert [e["field"] for e in results[1]["errors"]] == ["subject.address"]
