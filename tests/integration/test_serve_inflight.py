"""SIGTERM while a request is still arriving: the service stops accepting new
connections, finishes the request in flight (its answer arrives, its data is stored),
then exits 0."""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import signal
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp

from carrier_gateway.db import Database
from carrier_gateway.signing import signed_headers_for_digest
from provisioning.jobs.tables import jobs
from provisioning.privacy.keyring import Keyring
from tests.integration.test_serve import free_port, wait_ready
from tests.support.cli import carrier_bin
from tests.support.world import build_oem, individual


async def test_a_request_in_flight_at_sigterm_completes(tmp_path: Path, db_url: str, db: Database,
                                                        master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=3)
    rng = random.Random(11)
    body = b"".join(json.dumps(individual(rng, iccid=i)).encode() + b"\n" for i in oem.iccids)
    path = "/v1/jobs/registrations"
    headers = signed_headers_for_digest(oem.key_id, oem.secret, "POST", path, hashlib.sha256(body).hexdigest())
    headers["Content-Type"] = "application/x-ndjson"
    port = free_port()
    proc = subprocess.Popen([*carrier_bin(), "serve", "--sandbox", "--port", str(port), "--database-url", db_url],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    half = len(body) // 2
    try:
        await asyncio.to_thread(wait_ready, port, proc)
        first_half_sent = asyncio.Event()

        async def slow_body() -> AsyncIterator[bytes]:
            yield body[:half]
            first_half_sent.set()
            await asyncio.sleep(1.0)  # the signal arrives while the body is still coming
            yield body[half:]

        async with aiohttp.ClientSession() as session:
            upload = asyncio.create_task(session.post(f"http://127.0.0.1:{port}{path}", data=slow_body(),
                                                      headers=headers))
            await first_half_sent.wait()
            await asyncio.sleep(0.2)
            proc.send_signal(signal.SIGTERM)
            try:
                resp = await upload
            except aiohttp.ClientError:
                proc.wait(60)
                raise AssertionError(proc.stderr.read()[-3000:]) from None
            answer = await resp.json()
            assert resp.status == 202, answer
        _, err = await asyncio.to_thread(proc.communicate, timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    async with db.read() as conn:
        stored = (await conn.execute(jobs.select().where(jobs.c.id == answer["job_id"]))).first()
    assert stored is not None and stored.lines_received == len(oem.iccids)
