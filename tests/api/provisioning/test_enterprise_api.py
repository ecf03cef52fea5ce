"""Ops API for enterprises, destinations, persons, roster and credentials."""

from __future__ import annotations

import csv
import io

from tests.api.provisioning.helpers import tokens
from tests.integration.provisioning.factory import uscc
from tests.support.http import app_client

PERSON = {"role": "REAL_NAME", "name": "张三", "id_type": "RESIDENT_ID", "id_number": "11010519491231002X",
          "phone": "13800138000", "email": "zhang.san@oem.example"}


async def test_enterprise_crud_and_destinations(db_url: str) -> None:
    h = await tokens(db_url)
    async with app_client(db_url) as client:
        resp = await client.post("/ops/v1/enterprises", json={"name": "某某汽车", "uscc": uscc(1)}, headers=h["ops"])
        ent = await resp.json()
        assert resp.status == 201 and ent["kind"] == "OEM", ent
        base = f"/ops/v1/enterprises/{ent['id']}"
        resp = await client.post(base + "/destinations", json={"kind": "PLATFORM_PREFIX", "value": "10.9.8.7/24"},
                                 headers=h["ops"])
        assert resp.status == 201 and (await resp.json())["PLATFORM_PREFIX"] == ["10.9.8.0/24"]
        resp = await client.patch(base, json={"callback_url": "https://x.example/cb"}, headers=h["ops"])
        assert (await resp.json())["callback_url"] == "https://x.example/cb"
        shown = await (await client.get(base, headers=h["regulator"])).json()
        assert shown["destinations"]["PLATFORM_PREFIX"] == ["10.9.8.0/24"]
        resp = await client.delete(base + "/destinations", params={"kind": "PLATFORM_PREFIX", "value": "10.9.8.0/24"},
                                   headers=h["ops"])
        assert resp.status == 200 and (await resp.json())["PLATFORM_PREFIX"] == []
        listed = await (await client.get("/ops/v1/enterprises", headers=h["auditor"])).json()
        assert [e["id"] for e in listed["items"]] == [ent["id"]]


async def test_enterprise_errors_are_problems(db_url: str) -> None:
    h = await tokens(db_url)
    async with app_client(db_url) as client:
        await client.post("/ops/v1/enterprises", json={"name": "A", "uscc": uscc(1)}, headers=h["ops"])
        resp = await client.post("/ops/v1/enterprises", json={"name": "B", "uscc": uscc(1)}, headers=h["ops"])
        assert resp.status == 409 and (await resp.json())["code"] == "ENTERPRISE_EXISTS"
        resp = await client.post("/ops/v1/enterprises", json={"name": "B", "uscc": "911100006000373410"},
                                 headers=h["ops"])
        assert resp.status == 422 and (await resp.json())["code"] == "USCC_INVALID"
        resp = await client.get("/ops/v1/enterprises/999", headers=h["ops"])
        assert resp.status == 404 and (await resp.json())["code"] == "ENTERPRISE_NOT_FOUND"
        resp = await client.post("/ops/v1/enterprises", json={"name": "C", "uscc": uscc(2)}, headers=h["regulator"])
        assert resp.status == 403


async def test_persons_are_masked_and_roster_exports_csv(db_url: str) -> None:
    h = await tokens(db_url)
    async with app_client(db_url) as client:
        ent = await (await client.post("/ops/v1/enterprises", json={"name": "A", "uscc": uscc(1)},
                                       headers=h["ops"])).json()
        base = f"/ops/v1/enterprises/{ent['id']}/persons"
        resp = await client.post(base, json=PERSON, headers=h["ops"])
        body = await resp.json()
        assert resp.status == 201 and body["name"] == "张*" and body["id_number"] == "110105********002X"
        await client.post(base, json={**PERSON, "name": "李四"}, headers=h["ops"])
        history = await (await client.get(base, params={"history": "true"}, headers=h["regulator"])).json()
        assert [p["term_end"] is None for p in history["items"]] == [False, True]
        past = await (await client.get(base, params={"on": "2000-01-01"}, headers=h["ops"])).json()
        assert past["items"] == []
        resp = await client.get("/ops/v1/roster", params={"format": "csv"}, headers=h["regulator"])
        text = await resp.text()
        assert resp.status == 200 and resp.content_type == "text/csv"
        rows = list(csv.DictReader(io.StringIO(text)))
        assert [(r["role"], r["name"]) for r in rows] == [("REAL_NAME", "李*")]
        assert "13800138000" not in text and PERSON["id_number"] not in text


async def test_key_lifecycle_over_http(db_url: str) -> None:
    h = await tokens(db_url)
    async with app_client(db_url) as client:
        ent = await (await client.post("/ops/v1/enterprises", json={"name": "A", "uscc": uscc(1)},
                                       headers=h["ops"])).json()
        base = f"/ops/v1/enterprises/{ent['id']}/keys"
        issued = await (await client.post(base, json={"label": "TSP"}, headers=h["ops"])).json()
        assert issued["secret"].startswith("sk_")
        resp = await client.post(f"/ops/v1/keys/{issued['key_id']}/rotation", json={"grace_hours": 1},
                                 headers=h["ops"])
        rotated = await resp.json()
        assert resp.status == 201 and rotated["key_id"] != issued["key_id"]
        resp = await client.delete(f"/ops/v1/keys/{rotated['key_id']}", headers=h["ops"])
        assert resp.status == 200 and (await resp.json())["status"] == "REVOKED"
        listed = await (await client.get(base, headers=h["auditor"])).json()
        assert {k["key_id"]: k["status"] for k in listed["items"]} == {issued["key_id"]: "ROTATING",
                                                                      rotated["key_id"]: "REVOKED"}
        assert issued["secret"] not in str(listed)
        resp = await client.get(base, headers=h["regulator"])
        assert resp.status == 403
