"""Streamed answers end with a trailer, and a failure after the first byte breaks the
transfer: the client sees an incomplete body, never a 200 that looks complete (nor an
HTTP error written inside it)."""

from __future__ import annotations

import asyncio
import json
import time

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import insert, update

from carrier_gateway.client import OemClient, Truncated
from carrier_gateway.db import Database
from provisioning.audit.tables import audit_log
from provisioning.audit.trail import Event, record
from provisioning.jobs.tables import job_results, jobs
from provisioning.privacy.keyring import Keyring
from tests.api.provisioning.helpers import tokens
from tests.support.http import app_client
from tests.support.world import Oem, build_oem

JOB = "j1a2212b1000884f079996"
#: a broken stream must end, not leave the client waiting: without the abort the server
#: wrote a second response into the body and kept the connection open (a guard, not a
#: measure: the streams here take well under a second)
STALL = 60


@pytest.fixture
async def world(db: Database, master_key: Keyring) -> Oem:
    return await build_oem(db, master_key, cards=1)


async def _job(db: Database, oem: Oem, lines: int, *, corrupt: int | None = None) -> None:
    """A completed job with ``lines`` invalid lines; line ``corrupt`` holds errors no reader can parse."""
    async with db.write() as conn:
        await conn.execute(insert(jobs).values(id=JOB, enterprise_id=oem.enterprise_id, status="COMPLETED",
                                               actor=f"oem:{oem.key_id}", touched_at=int(time.time()),
                                               lines_received=lines, last_line=lines))
        await conn.execute(insert(job_results), [
            {"job_id": JOB, "line": n, "outcome": "INVALID",
             "errors": "[oops" if n == corrupt else '[{"code": "SCHEMA_INVALID", "field": null, "message": "x"}]'}
            for n in range(1, lines + 1)])


def _client(http: TestClient, oem: Oem) -> OemClient:
    return OemClient(str(http.make_url("")), oem.key_id, oem.secret, session=http.session)


async def test_job_results_end_with_a_trailer_counting_them(db: Database, db_url: str, world: Oem) -> None:
    await _job(db, world, 3)
    async with app_client(db_url) as http:
        oem = _client(http, world)
        resp = await http.get(f"/v1/jobs/{JOB}/results?after=1",
                              headers=oem._headers("GET", f"/v1/jobs/{JOB}/results?after=1", b""))
        lines = [json.loads(line) for line in (await resp.text()).splitlines()]
        assert [x.get("line") for x in lines[:-1]] == [2, 3] and lines[-1] == {"trailer": {"count": 2}}
        assert [r["line"] for r in await oem.job_results(JOB)] == [1, 2, 3]


async def test_a_failure_mid_results_breaks_the_transfer(db: Database, db_url: str, world: Oem) -> None:
    await _job(db, world, 1001, corrupt=1001)  # the second page (1000 lines each) fails to read
    received = []
    async with app_client(db_url) as http:
        with pytest.raises(aiohttp.ClientPayloadError):
            async with asyncio.timeout(STALL):
                async for line in _client(http, world).iter_job_results(JOB):
                    received.append(line["line"])
        # the connection was closed, not reused: the next call works on a fresh one
        assert len(await _client(http, world).job(JOB)) > 0
    assert received == list(range(1, 1001))  # what arrived is intact: resume with after=1000


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
async def test_a_failure_mid_export_breaks_the_transfer(db: Database, db_url: str, fmt: str) -> None:
    async with db.write() as conn:
        await record(conn, *[Event("ops:9", "card.transition", "card", str(i), 1, {"i": i}) for i in range(700)])
        await conn.execute(update(audit_log).where(audit_log.c.seq == 650).values(detail="{not json"))
    h = (await tokens(db_url, "regulator"))["regulator"]
    async with app_client(db_url) as http:
        resp = await http.get(f"/ops/v1/audit/export?format={fmt}", headers=h)
        assert resp.status == 200  # sent before the failure: only a broken transfer can say it now
        received = b""
        with pytest.raises(aiohttp.ClientPayloadError):
            async with asyncio.timeout(STALL):
                async for chunk in resp.content.iter_any():
                    received += chunk
    assert received.count(b"\n") >= 499 and b"HTTP/1.1" not in received and b"trailer" not in received


async def _serve(lines: list[str]) -> web.Application:
    async def results(_request: web.Request) -> web.Response:
        return web.Response(text="".join(lines), content_type="application/x-ndjson")

    app = web.Application()
    app.router.add_get(f"/v1/jobs/{JOB}/results", results)
    return app


@pytest.mark.parametrize(("lines", "message"), [
    (['{"line": 1}\n', '{"line": 2}\n'], "without a trailer line"),
    (['{"line": 1}\n', '{"trailer": {"count": 2}}\n'], "has 1 lines but its trailer counts 2")])
async def test_the_client_refuses_results_cut_short(lines: list[str], message: str) -> None:
    async with TestClient(TestServer(await _serve(lines))) as http:
        oem = OemClient(str(http.make_url("")), "ak_0", "secret", session=http.session)
        got = []
        with pytest.raises(Truncated, match=message):
            async for line in oem.iter_job_results(JOB):
                got.append(line)
    assert got == [{"line": 1}, {"line": 2}][: len(got)] and got
