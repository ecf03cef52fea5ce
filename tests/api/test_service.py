"""The service skeleton: health, readiness, metrics, OpenAPI, problem+json, ops auth."""

from __future__ import annotations

from pathlib import Path

from carrier_gateway import ops_auth
from carrier_gateway.db import Database
from tests.support.http import app_client


async def test_healthz_and_readyz_answer_on_a_migrated_database(db_url: str, backend: str) -> None:
    async with app_client(db_url) as client:
        resp = await client.get("/healthz")
        assert resp.status == 200 and await resp.json() == {"status": "ok"}
        resp = await client.get("/readyz")
        body = await resp.json()
        assert resp.status == 200, body
        assert body["status"] == "ready" and body["database"] == backend
        assert resp.headers["X-Request-Id"]


async def test_readyz_is_503_problem_on_an_uninitialised_database(tmp_path: Path) -> None:
    async with app_client(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}") as client:
        resp = await client.get("/readyz")
        assert resp.status == 503
        assert resp.content_type == "application/problem+json"
        body = await resp.json()
        assert body["code"] == "SCHEMA_OUTDATED" and "carrier init" in body["detail"]


async def test_metrics_are_prometheus_text_and_count_requests(db_url: str) -> None:
    async with app_client(db_url) as client:
        await client.get("/healthz")
        await client.get("/healthz")
        resp = await client.get("/metrics")
        text = await resp.text()
        assert resp.status == 200 and resp.content_type == "text/plain"
        line = next(ln for ln in text.splitlines()
                    if ln.startswith("carrier_http_requests_total{") and 'route="/healthz"' in ln)
        assert line.endswith(" 2.0")


async def test_unknown_route_and_method_are_problem_json(db_url: str) -> None:
    async with app_client(db_url) as client:
        resp = await client.get("/nope", headers={"X-Request-Id": "abc-123"})
        body = await resp.json()
        assert resp.status == 404 and resp.content_type == "application/problem+json"
        assert body["code"] == "NOT_FOUND" and body["request_id"] == "abc-123"
        resp = await client.post("/healthz")
        assert resp.status == 405 and (await resp.json())["code"] == "METHOD_NOT_ALLOWED"


async def test_request_size_limit_is_a_413_problem(db_url: str) -> None:
    async with app_client(db_url, max_body_bytes=1024) as client:
        token = await _token(db_url, "ops")
        resp = await client.get("/ops/v1/whoami", data=b"x" * 5000,
                                headers={"Authorization": f"Bearer {token}"})
        assert resp.status == 200  # body not read by a GET handler
        resp = await client.post("/healthz", data=b"x" * 5000)
        assert resp.status in (405, 413)


async def _token(db_url: str, role: str) -> str:
    db = Database(db_url)
    try:
        async with db.write() as conn:
            return (await ops_auth.create_token(conn, role)).token
    finally:
        await db.dispose()


async def test_ops_api_is_closed_without_a_valid_token(db_url: str) -> None:
    token = await _token(db_url, "ops")
    async with app_client(db_url) as client:
        resp = await client.get("/ops/v1/whoami")
        assert resp.status == 401 and resp.headers["WWW-Authenticate"] == "Bearer"
        assert (await resp.json())["code"] == "UNAUTHENTICATED"
        resp = await client.get("/ops/v1/whoami", headers={"Authorization": "Bearer cop_wrong"})
        assert resp.status == 401
        resp = await client.get("/ops/v1/whoami", headers={"Authorization": f"Bearer {token}"})
        assert resp.status == 200 and (await resp.json())["role"] == "ops"


async def test_role_outside_an_endpoints_roles_is_403(db_url: str) -> None:
    regulator = await _token(db_url, "regulator")
    async with app_client(db_url) as client:
        resp = await client.get("/ops/v1/tokens", headers={"Authorization": f"Bearer {regulator}"})
        assert resp.status == 403 and (await resp.json())["code"] == "ROLE_FORBIDDEN"


async def test_revoked_token_stops_working(db_url: str) -> None:
    db = Database(db_url)
    try:
        async with db.write() as conn:
            issued = await ops_auth.create_token(conn, "auditor")
        async with db.write() as conn:
            await ops_auth.revoke_token(conn, issued.id)
    finally:
        await db.dispose()
    async with app_client(db_url) as client:
        resp = await client.get("/ops/v1/whoami", headers={"Authorization": f"Bearer {issued.token}"})
        assert resp.status == 401


async def test_tokens_are_stored_hashed(db_url: str) -> None:
    token = await _token(db_url, "ops")
    db = Database(db_url)
    try:
        async with db.read() as conn:
            rows = await ops_auth.list_tokens(conn)
            from sqlalchemy import select

            from carrier_gateway.tables import ops_tokens
            hashes = (await conn.execute(select(ops_tokens.c.token_hash))).scalars().all()
    finally:
        await db.dispose()
    assert len(rows) == 1 and token not in str(rows)
    assert hashes and all(token not in h for h in hashes) and len(hashes[0]) == 64
