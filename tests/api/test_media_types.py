"""A JSON endpoint reads only a body declared application/json (415 otherwise), and
/openapi.json declares every media type an endpoint really answers with."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from carrier_gateway.db import Database
from carrier_gateway.signing import signed_headers
from provisioning.enterprises.tables import api_keys
from provisioning.privacy.keyring import Keyring
from tests.api.provisioning.helpers import tokens
from tests.support.http import app_client
from tests.support.world import build_oem


async def test_a_json_endpoint_refuses_a_body_of_another_type(db: Database, db_url: str,
                                                              master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=1)
    h = (await tokens(db_url, "ops"))["ops"]
    keys = f"/ops/v1/enterprises/{oem.enterprise_id}/keys"
    body = b'{"label": "TSP"}'
    async with app_client(db_url) as http:
        for content_type in ("text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin-1",
                             "application/octet-stream", None):
            headers = {**h, **({"Content-Type": content_type} if content_type else {})}
            resp = await http.post(keys, data=body, headers=headers, skip_auto_headers={"Content-Type"})
            problem = await resp.json(content_type=None)
            assert resp.status == 415 and resp.content_type == "application/problem+json", content_type
            assert problem["code"] == "UNSUPPORTED_MEDIA_TYPE" and "application/json" in problem["detail"]
            assert f"not {(content_type or 'untyped').split(';')[0]}" in problem["detail"], problem["detail"]
        async with db.read() as conn:
            assert (await conn.execute(select(func.count()).select_from(api_keys))).scalar_one() == 1
        for content_type in ("application/json", "application/json; charset=utf-8", "Application/JSON; charset=UTF-8"):
            resp = await http.post(keys, data=body, headers={**h, "Content-Type": content_type})
            assert resp.status == 201, (content_type, await resp.text())
        # an empty body is the schema's to refuse, whatever its type
        empty = await http.post(f"/ops/v1/enterprises/{oem.enterprise_id}/destinations", headers=h)
        assert empty.status == 422 and (await empty.json())["code"] == "SCHEMA_INVALID"
        # the OEM API too, before the signature is checked against a body it would not read
        path = "/v1/registrations"
        signed = signed_headers(oem.key_id, oem.secret, "POST", path, body)
        resp = await http.post(path, data=body, headers={**signed, "Content-Type": "text/plain"})
        assert resp.status == 415


def _declared(spec: dict[str, Any], path: str, method: str, status: int) -> set[str]:
    responses = spec["paths"][path][method.lower()]["responses"]
    return set(responses.get(str(status), responses["default"]).get("content", {}))


async def test_every_media_type_answered_is_declared(db: Database, db_url: str, master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=1)
    h = await tokens(db_url, "ops", "regulator")
    requests = [("/ops/v1/roster", "/ops/v1/roster", ""), ("/ops/v1/roster", "/ops/v1/roster", "?format=csv"),
                ("/ops/v1/roster", "/ops/v1/roster", "?on=9999-12-31")]
    requests += [("/ops/v1/reports/inspection", "/ops/v1/reports/inspection", f"?format={f}")
                 for f in ("json", "csv", "html", "pdf")]
    requests += [("/ops/v1/audit/export", "/ops/v1/audit/export", f"?format={f}") for f in ("jsonl", "csv")]
    requests += [("/ops/v1/enterprises/{enterprise_id}", f"/ops/v1/enterprises/{e}", "") for e in (oem.enterprise_id,
                                                                                                  2**31)]
    seen = set()
    async with app_client(db_url) as http:
        spec = await (await http.get("/openapi.json")).json()
        for template, path, query in requests:
            resp = await http.get(path + query, headers=h["regulator"])
            await resp.read()
            assert resp.content_type in _declared(spec, template, "GET", resp.status), (path + query, resp.status)
            seen.add(resp.content_type)
        resp = await http.post(f"/ops/v1/enterprises/{oem.enterprise_id}/keys", data=b"{}", headers=h["ops"])
        assert resp.status == 415
        assert resp.content_type in _declared(spec, "/ops/v1/enterprises/{enterprise_id}/keys", "POST", 415)
        results = spec["paths"]["/v1/jobs/{job_id}/results"]["get"]["responses"]
        assert set(results["200"]["content"]) == {"application/x-ndjson"}
    assert seen == {"application/json", "text/csv", "text/html", "application/x-ndjson", "application/problem+json"}
