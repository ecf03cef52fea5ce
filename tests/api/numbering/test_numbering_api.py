"""Ops API for segments, blocks, pools and prefixes, on a real app and database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from carrier_gateway import ops_auth
from carrier_gateway.db import Database
from provisioning.audit.tables import audit_log
from tests.support.http import app_client
from tests.support.world import enterprises_up_to

BASE = 1440000000000


async def _headers(db_url: str) -> dict[str, dict[str, str]]:
    db = Database(db_url)
    try:
        async with db.write() as conn:
            return {role: {"Authorization": f"Bearer {(await ops_auth.create_token(conn, role)).token}"}
                    for role in ("ops", "regulator", "auditor")}
    finally:
        await db.dispose()


async def _audit_actions(db_url: str) -> list[str]:
    db = Database(db_url)
    try:
        async with db.read() as conn:
            rows = await conn.execute(select(audit_log.c.action).order_by(audit_log.c.seq).where(
                audit_log.c.object_type.in_(["number_segment", "number_block", "ip_pool", "ip_prefix"])))
            return list(rows.scalars())
    finally:
        await db.dispose()


async def test_segment_lifecycle_over_http(db_url: str) -> None:
    await enterprises_up_to(db_url, 8)
    h = await _headers(db_url)
    async with app_client(db_url) as client:
        async def call(method: str, path: str, role: str = "ops", **kw: Any) -> tuple[int, Any]:
            resp = await client.request(method, path, headers=h[role], **kw)
            return resp.status, await resp.json()

        status, seg = await call("POST", "/ops/v1/segments", json={"first": str(BASE), "last": BASE + 9999,
                                                                   "label": "north"})
        assert status == 201 and (seg["total"], seg["stock"], seg["first"], seg["label"]) == (
            10000, 10000, str(BASE), "north")
        status, block = await call("POST", "/ops/v1/segments/allocate", json={"enterprise_id": 7, "count": 100})
        assert status == 201 and block == {"enterprise": 7, "first": str(BASE), "last": str(BASE + 99), "count": 100,
                                           "block_id": block["block_id"], "segment_id": seg["id"]}
        status, detail = await call("GET", f"/ops/v1/segments/{seg['id']}", role="regulator")
        assert status == 200 and detail["allocated"] == 100 and detail["block_list"][0]["free"] == 100
        status, blocks = await call("GET", "/ops/v1/blocks?enterprise_id=7", role="auditor")
        assert status == 200 and [b["id"] for b in blocks["items"]] == [block["block_id"]]
        status, listed = await call("GET", "/ops/v1/blocks?enterprise_id=8")
        assert status == 200 and listed["items"] == []
        status, gone = await call("DELETE", f"/ops/v1/blocks/{block['block_id']}")
        assert status == 200 and gone["first"] == str(BASE)
        status, segs = await call("GET", "/ops/v1/segments")
        assert segs["items"][0]["stock"] == 10000
    assert await _audit_actions(db_url) == ["segment.added", "block.allocated", "block.released"]


async def test_segment_errors_are_problem_json(db_url: str) -> None:
    await enterprises_up_to(db_url, 1)
    h = await _headers(db_url)
    async with app_client(db_url) as client:
        resp = await client.post("/ops/v1/segments", headers=h["ops"],
                                 json={"first": "1460000000000", "last": "1460000000009"})
        body = await resp.json()
        assert resp.status == 422 and resp.content_type == "application/problem+json"
        assert body["code"] == "MSISDN_INVALID" and "China Unicom IoT number, not China Mobile" in body["detail"]
        resp = await client.post("/ops/v1/segments", headers=h["ops"], json={"first": "144", "last": "1"})
        assert resp.status == 422 and (await resp.json())["code"] == "SCHEMA_INVALID"
        await client.post("/ops/v1/segments", headers=h["ops"], json={"first": BASE, "last": BASE + 9})
        resp = await client.post("/ops/v1/segments", headers=h["ops"], json={"first": BASE + 5, "last": BASE + 20})
        assert resp.status == 409 and (await resp.json())["code"] == "SEGMENT_OVERLAP"
        resp = await client.post("/ops/v1/segments/allocate", headers=h["ops"], json={"enterprise_id": 1, "count": 11})
        body = await resp.json()
        assert resp.status == 409 and body["code"] == "EXHAUSTED" and "the largest is 10" in body["detail"]
        resp = await client.post("/ops/v1/segments", headers=h["regulator"], json={"first": BASE, "last": BASE})
        assert resp.status == 403
        resp = await client.delete("/ops/v1/blocks/99", headers=h["ops"])
        assert resp.status == 404 and "no number block 99" in (await resp.json())["detail"]


async def test_release_and_expire_numbers_over_http(db_url: str) -> None:
    h = await _headers(db_url)
    from numbering.msisdn import segments

    db = Database(db_url)
    try:
        async with db.write() as conn:
            await segments.add_segment(conn, BASE, BASE + 99)
            await segments.allocate_block(conn, 1, 10)
            await segments.assign_msisdns(conn, 1, 3)
    finally:
        await db.dispose()
    async with app_client(db_url) as client:
        resp = await client.post("/ops/v1/msisdns/release", headers=h["ops"], json={"msisdns": [str(BASE + 1)]})
        body = await resp.json()
        assert resp.status == 200 and body["released"] == 1 and body["quarantined_until"]
        resp = await client.post("/ops/v1/msisdns/release", headers=h["ops"], json={"msisdns": [str(BASE + 1)]})
        assert resp.status == 409 and (await resp.json())["code"] == "MSISDN_NOT_ASSIGNED"
        resp = await client.post("/ops/v1/msisdns/expire", headers=h["ops"])
        assert resp.status == 200 and (await resp.json())["released"] == 0  # 90 days have not passed
        resp = await client.request("PATCH", "/ops/v1/numbering/profile", headers=h["ops"],
                                    json={"quarantine_days": 30})
        assert resp.status == 200 and (await resp.json())["quarantine_days"] == 30
        resp = await client.get("/ops/v1/numbering/profile", headers=h["regulator"])
        prof = await resp.json()
        assert (prof["key"], prof["mcc"], prof["msisdn_prefixes"], prof["quarantine_days"]) == (
            "china-mobile", "460", ["1440", "1441", "148"], 30)


async def test_pool_lifecycle_over_http(db_url: str) -> None:
    await enterprises_up_to(db_url, 3)
    h = await _headers(db_url)
    async with app_client(db_url) as client:
        async def call(method: str, path: str, role: str = "ops", **kw: Any) -> tuple[int, Any]:
            resp = await client.request(method, path, headers=h[role], **kw)
            return resp.status, await resp.json()

        status, pool = await call("POST", "/ops/v1/pools", json={"cidr": "2001:db8::/32", "apn": "iov.carrier"})
        assert status == 201 and (pool["size"], pool["allocated"], pool["version"]) == (str(2**96), "0", 6)
        status, got = await call("POST", "/ops/v1/pools/allocate", json={"enterprise_id": 3, "prefix_length": 64})
        assert status == 201 and got == {"enterprise": 3, "prefix": "2001:db8::/64", "prefix_id": got["prefix_id"],
                                         "pool_id": pool["id"]}
        status, detail = await call("GET", f"/ops/v1/pools/{pool['id']}", role="auditor")
        assert detail["allocated"] == str(2**64) and detail["prefix_list"][0]["usable"] == str(2**64 - 1)
        status, listed = await call("GET", "/ops/v1/prefixes?enterprise_id=3", role="regulator")
        assert [p["prefix"] for p in listed["items"]] == ["2001:db8::/64"]
        status, problem = await call("POST", "/ops/v1/pools", json={"cidr": "2001:db8:8::/48", "apn": "x"})
        assert status == 409 and problem["code"] == "POOL_OVERLAP"
        status, problem = await call("POST", "/ops/v1/pools", json={"cidr": "10.0.0.1/8", "apn": "x"})
        assert status == 422 and problem["detail"] == "10.0.0.1/8 has host bits set: the network is 10.0.0.0/8"
        status, problem = await call("POST", "/ops/v1/addresses/release", json={"addresses": ["2001:db8::1"]})
        assert status == 409 and problem["code"] == "ADDRESS_NOT_ASSIGNED"
        status, gone = await call("DELETE", f"/ops/v1/prefixes/{got['prefix_id']}")
        assert status == 200 and gone["prefix"] == "2001:db8::/64"
        status, pools = await call("GET", "/ops/v1/pools")
        assert pools["items"][0]["allocated"] == "0"
    assert await _audit_actions(db_url) == ["pool.added", "prefix.allocated", "prefix.released"]


async def test_numbering_endpoints_are_documented_with_examples(db_url: str) -> None:
    async with app_client(db_url) as client:
        spec = await (await client.get("/openapi.json")).json()
    paths = spec["paths"]
    for path, method in [("/ops/v1/segments", "post"), ("/ops/v1/segments/allocate", "post"),
                         ("/ops/v1/pools", "post"), ("/ops/v1/pools/allocate", "post")]:
        op = paths[path][method]
        assert op["tags"] == ["ops: numbering"] and "example" in op["responses"]["201"]["content"]["application/json"]
        schema = spec["components"]["schemas"][op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                                               .rsplit("/", 1)[1]]
        assert schema.get("examples"), path
    assert {"409", "422"} <= set(paths["/ops/v1/segments"]["post"]["responses"])
