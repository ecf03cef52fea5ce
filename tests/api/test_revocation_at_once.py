"""A revoked OEM key or ops token stops at once in every process on the database: no
process keeps a credential past its revocation."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from aiohttp.test_utils import TestClient

from carrier_gateway import ops_auth
from carrier_gateway.db import Database
from carrier_gateway.signing import signed_headers
from provisioning.privacy.keyring import Keyring
from tests.support.http import app_client, until_ready
from tests.support.world import build_oem

#: short heartbeats: the second process joins the first quickly
FAST = {"workers": 0, "heartbeat_seconds": 0.2}


@contextlib.asynccontextmanager
async def _two_processes(db_url: str) -> AsyncIterator[tuple[TestClient, TestClient]]:
    async with app_client(db_url, **FAST) as a, app_client(db_url, **FAST) as b:
        await until_ready(a)
        await until_ready(b)
        yield a, b


async def test_a_revoked_key_is_refused_at_once_by_every_process(db_url: str, db: Database,
                                                                 master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=1)
    async with db.write() as conn:
        ops = (await ops_auth.create_token(conn, "ops")).token
    path = f"/v1/cards/{oem.iccids[0]}"
    async with _two_processes(db_url) as (a, b):
        for app in (a, b, a, b):  # each process has used (and could have kept) the key
            assert (await app.get(path, headers=signed_headers(oem.key_id, oem.secret, "GET", path, b""))).status == 200
        revoked = await a.delete(f"/ops/v1/keys/{oem.key_id}", headers={"Authorization": f"Bearer {ops}"})
        assert revoked.status == 200 and (await revoked.json())["status"] == "REVOKED"
        for app in (b, a):
            resp = await app.get(path, headers=signed_headers(oem.key_id, oem.secret, "GET", path, b""))
            assert resp.status == 401 and "unknown or revoked" in (await resp.json())["detail"]


async def test_a_revoked_ops_token_is_refused_at_once_by_every_process(db_url: str, db: Database) -> None:
    async with db.write() as conn:
        issued = await ops_auth.create_token(conn, "auditor")
    bearer = {"Authorization": f"Bearer {issued.token}"}
    async with _two_processes(db_url) as (a, b):
        for app in (a, b):
            assert (await app.get("/ops/v1/whoami", headers=bearer)).status == 200
        async with db.write() as conn:
            await ops_auth.revoke_token(conn, issued.id)
        for app in (b, a):
            resp = await app.get("/ops/v1/whoami", headers=bearer)
            assert resp.status == 401 and "unknown or revoked" in (await resp.json())["detail"]
