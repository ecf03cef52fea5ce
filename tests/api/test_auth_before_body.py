"""Uploads are judged from their headers before any of the body is read: a refused one is
answered while the client is still sending, and its connection is closed."""

from __future__ import annotations

import asyncio
import gzip
import json
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from carrier_gateway import routing
from carrier_gateway.client import ApiError, OemClient
from carrier_gateway.db import Database
from carrier_gateway.signing import signed_headers
from provisioning.jobs.tables import job_chunks, jobs
from provisioning.privacy.keyring import Keyring
from provisioning.registrations.tables import registrations
from tests.support.http import app_client
from tests.support.jobfiles import valid_file
from tests.support.rawhttp import Answer, RawConnection, head
from tests.support.world import Oem, build_oem, individual

PATH = "/v1/jobs/registrations"
MIB = 1 << 20
DECLARED = 200 * MIB  # what the refused uploads announce; they send 1 MiB of it


@pytest.fixture
async def world(db: Database, master_key: Keyring) -> Oem:
    return await build_oem(db, master_key, cards=4)


@pytest.fixture
def spooled(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the bodies the service started to spool (to memory, then a temporary file)."""
    calls: list[int] = []
    real = routing.spool_body

    async def counting(request: Any, limit: int) -> Any:
        calls.append(limit)
        return await real(request, limit)

    monkeypatch.setattr(routing, "spool_body", counting)
    return calls


async def _count(db: Database, table: Any) -> int:
    async with db.read() as conn:
        return (await conn.execute(select(func.count()).select_from(table))).scalar_one()


def _upload_head(headers: dict[str, str], length: int, *, path: str = PATH) -> bytes:
    return head("POST", path, {**headers, "Content-Type": "application/x-ndjson", "Content-Length": str(length)})


def _send_part_then_read(port: int, request_head: bytes) -> tuple[Answer, bool]:
    """Send the head and 1 MiB of a 200 MiB body, then wait for the answer."""
    conn = RawConnection(port)
    try:
        conn.send(request_head)
        conn.send(b"x" * MIB)  # may fail: the server answers and closes without reading it
        answer = conn.answer()
        return answer, conn.closed_by_server()
    finally:
        conn.close()


def _unsigned(oem: Oem) -> dict[str, str]:
    return {}


def _unknown_key(oem: Oem) -> dict[str, str]:
    return signed_headers("ak_" + "0" * 20, oem.secret, "POST", PATH, b"")


def _stale(oem: Oem) -> dict[str, str]:
    return signed_headers(oem.key_id, oem.secret, "POST", PATH, b"", now=time.time() - 3600)


@pytest.mark.parametrize(("headers", "detail"), [(_unsigned, "missing X-Carrier-Key"),
                                                 (_unknown_key, "unknown or revoked"),
                                                 (_stale, "from the server clock")])
async def test_a_refused_upload_is_answered_while_its_body_is_still_being_sent(
        db_url: str, db: Database, world: Oem, spooled: list[int], headers: Callable[[Oem], dict[str, str]],
        detail: str) -> None:
    async with app_client(db_url, workers=0) as http:
        answer, closed = await asyncio.to_thread(_send_part_then_read, http.port,
                                                 _upload_head(headers(world), DECLARED))
    assert answer.status == 401 and answer.headers["content-type"].startswith("application/problem+json")
    assert detail in answer.body.decode()
    assert answer.headers["connection"] == "close" and closed  # the rest of the body is never read
    assert spooled == []
    assert await _count(db, jobs) == await _count(db, job_chunks) == 0


async def test_a_reused_nonce_and_a_bad_ops_token_are_refused_before_the_body(
        db_url: str, db: Database, world: Oem, spooled: list[int]) -> None:
    async with app_client(db_url, workers=0) as http:
        card = f"/v1/cards/{world.iccids[0]}"
        first = signed_headers(world.key_id, world.secret, "GET", card, b"", nonce="reused-nonce-00000001")
        assert (await http.get(card, headers=first)).status == 200
        replay = signed_headers(world.key_id, world.secret, "POST", PATH, b"", nonce="reused-nonce-00000001")
        answer, closed = await asyncio.to_thread(_send_part_then_read, http.port, _upload_head(replay, DECLARED))
        assert answer.status == 401 and "already used" in answer.body.decode() and closed
        bearer = {"Authorization": "Bearer cop_not-a-token"}
        answer, closed = await asyncio.to_thread(_send_part_then_read, http.port,
                                                 _upload_head(bearer, DECLARED, path="/ops/v1/enterprises"))
        assert answer.status == 401 and "ops token" in answer.body.decode() and closed
    assert spooled == [] and await _count(db, jobs) == 0


async def test_with_expect_100_continue_a_refused_client_never_sends_its_body(db_url: str, db: Database,
                                                                              world: Oem) -> None:
    body = valid_file(world, 2)

    def exchange(headers: dict[str, str], expect: str = "100-continue") -> list[Answer]:
        conn = RawConnection(http.port)
        try:
            assert conn.send(_upload_head({**headers, "Expect": expect}, len(body)))
            answers = [conn.answer()]
            if answers[0].status == 100:  # accepted headers: now the body
                assert conn.send(body)
                answers.append(conn.answer())
            return answers
        finally:
            conn.close()

    async with app_client(db_url, workers=0) as http:
        refused = await asyncio.to_thread(exchange, _unknown_key(world))
        accepted = await asyncio.to_thread(exchange, signed_headers(world.key_id, world.secret, "POST", PATH, body))
        unknown = await asyncio.to_thread(exchange, signed_headers(world.key_id, world.secret, "POST", PATH, body),
                                          "something-else")
    assert [a.status for a in refused] == [401]
    assert [a.status for a in unknown] == [417] and b"EXPECTATION_FAILED" in unknown[0].body
    assert [a.status for a in accepted] == [100, 202]
    assert await _count(db, jobs) == 1


async def test_a_compressed_body_is_415_before_it_is_read_and_stores_nothing(
        db_url: str, db: Database, world: Oem, spooled: list[int]) -> None:
    job = valid_file(world, 2)
    push = individual(random.Random(3), iccid=world.iccids[3])
    async with app_client(db_url, workers=0) as http:
        for path, body in ((PATH, job), ("/v1/registrations", json.dumps(push).encode())):
            headers = {**signed_headers(world.key_id, world.secret, "POST", path, body),
                       "Content-Type": "application/x-ndjson" if path == PATH else "application/json",
                       "Content-Encoding": "gzip"}
            resp = await http.post(path, data=gzip.compress(body), headers=headers)
            problem = await resp.json()
            assert resp.status == 415 and problem["code"] == "UNSUPPORTED_CONTENT_ENCODING", problem
    assert spooled == []
    assert await _count(db, jobs) == await _count(db, registrations) == 0


async def test_the_reference_client_sends_no_file_that_its_headers_get_refused(
        db_url: str, world: Oem, spooled: list[int], tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    path.write_bytes(valid_file(world, 1) * 20_000)  # about 10 MB
    async with app_client(db_url, workers=0) as http:
        stranger = OemClient(str(http.make_url("")), "ak_" + "0" * 20, world.secret, session=http.session)
        with pytest.raises(ApiError) as err:
            await stranger.upload_job_file(path)
    assert err.value.status == 401 and spooled == []
