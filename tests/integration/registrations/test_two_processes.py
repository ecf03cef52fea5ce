"""Two `carrier serve` processes on one database (PostgreSQL, and SQLite as two processes
on one file): one shared queue, one shared nonce store, no double verification, one
registration per record whichever process a push (or its retry) reached."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import aiohttp

from carrier_gateway.client import OemClient
from carrier_gateway.db import Database
from carrier_gateway.signing import signed_headers
from provisioning.privacy.keyring import Keyring
from tests.integration.registrations.processes import (
    DEAD_CALLBACK,
    Server,
    activations,
    decisions,
    final_states,
    outcome_events,
    servers,
    wait_for,
)
from tests.support.world import build_oem, individual

CARDS = 60
#: small batches and a slow authority: the queue outlasts any one worker's claim
ENV = {"CARRIER_WORKERS": "1", "CARRIER_VERIFY_BATCH_SIZE": "3", "CARRIER_AUTHORITY_LATENCY": "0.2"}


async def test_two_processes_share_queue_nonces_and_registrations(
        db_url: str, db: Database, master_key: Keyring, tmp_path: Path) -> None:
    oem = await build_oem(db, master_key, cards=CARDS, callback_url=DEAD_CALLBACK)
    rng = random.Random(5)
    records = [individual(rng, iccid=iccid) for iccid in oem.iccids]
    a, b = Server(db_url, tmp_path, "a", **ENV), Server(db_url, tmp_path, "b", **ENV)
    with servers(a, b):
        await asyncio.gather(a.ready(), b.ready())
        async with aiohttp.ClientSession() as session:
            to_a = OemClient(a.url, oem.key_id, oem.secret, session=session)
            to_b = OemClient(b.url, oem.key_id, oem.secret, session=session)
            ids: dict[int, set[str]] = {n: set() for n in range(CARDS)}
            for n in range(40):  # single pushes, alternating
                ids[n].add((await (to_a if n % 2 else to_b).push(records[n]))["registration_id"])
            for n in range(0, 40, 4):  # the same record to both at once, and again to the other
                pair = await asyncio.gather(to_a.push(records[n]), to_b.push(records[n]))
                ids[n] |= {p["registration_id"] for p in pair}
            for n, answer in enumerate((await to_a.push_batch(records[40:50]))["results"], 40):
                ids[n].add(answer["registration_id"])
            for client in (to_b, to_a):  # one batch through b, then all twenty again through a
                for n, answer in enumerate((await client.push_batch(records[50:60]))["results"], 50):
                    ids[n].add(answer["registration_id"])
            for n, answer in enumerate((await to_b.push_batch(records[40:50]))["results"], 40):
                ids[n].add(answer["registration_id"])
            keyed = await asyncio.gather(to_a.push(records[3], idempotency_key="sale-3"),
                                         to_b.push(records[3], idempotency_key="sale-3"))
            ids[3] |= {k["registration_id"] for k in keyed}

            path = f"/v1/cards/{oem.iccids[0]}"
            headers = signed_headers(oem.key_id, oem.secret, "GET", path, b"", nonce="shared-nonce-0000000001")
            async with session.get(a.url + path, headers=headers) as first:
                assert first.status == 200
            async with session.get(b.url + path, headers=headers) as replay:
                assert replay.status == 401 and "already used" in (await replay.json())["detail"]

        assert all(len(found) == 1 for found in ids.values()), "one registration per record"
        await wait_for(db, lambda c: c.get("PENDING", 0) == 0, "both processes to decide everything")

    registration_ids = {next(iter(found)) for found in ids.values()}
    states = await final_states(db)
    assert set(states) == registration_ids and len(states) == CARDS
    assert {status for status, _ in states.values()} == {"VERIFIED"}
    times, by_actor = await decisions(db)
    assert times == {rid: 1 for rid in registration_ids}, "no registration decided twice"
    pids = {int(actor.rsplit(":", 1)[1]) for actor in by_actor}
    assert pids == {a.pid, b.pid}, "both processes' workers took work from the shared queue"
    assert await activations(db) == {iccid: 1 for iccid in oem.iccids}, "one activation per card"
    assert await outcome_events(db) == {rid: 1 for rid in registration_ids}, "one result event per registration"
