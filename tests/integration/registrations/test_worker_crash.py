"""A verifier process killed (SIGKILL) mid-queue loses nothing and decides nothing twice:
after a restart every registration ends VERIFIED or REJECTED exactly once."""

from __future__ import annotations

import random
from pathlib import Path

from carrier_gateway.client import OemClient
from carrier_gateway.db import Database
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
from tests.support.http import app_client
from tests.support.world import build_oem, individual

RECORDS = 240
#: slow verification (small batches, a slow identity authority) so the kill lands mid-queue
SLOW = {"CARRIER_WORKERS": "1", "CARRIER_VERIFY_BATCH_SIZE": "4", "CARRIER_AUTHORITY_LATENCY": "0.3",
        "CARRIER_VERIFY_LEASE_SECONDS": "2"}
FAST = {"CARRIER_WORKERS": "2", "CARRIER_VERIFY_BATCH_SIZE": "100", "CARRIER_VERIFY_LEASE_SECONDS": "2"}


def _records(iccids: list[str]) -> list[dict[str, object]]:
    rng = random.Random(11)
    out = []
    for n, iccid in enumerate(iccids):
        record = individual(rng, iccid=iccid)
        if n % 8 == 0:  # some must be rejected, exactly once too
            record["subject"]["id_expires"] = "2001-01-01"
        out.append(record)
    return out


async def test_killed_verifier_leaves_every_registration_decided_exactly_once(
        db_url: str, db: Database, master_key: Keyring, tmp_path: Path) -> None:
    oem = await build_oem(db, master_key, cards=RECORDS, callback_url=DEAD_CALLBACK)
    records = _records(oem.iccids)
    async with app_client(db_url, sandbox=True, workers=0) as http:  # accepts, never verifies
        client = OemClient(str(http.make_url("")), oem.key_id, oem.secret, session=http.session)
        answer = await client.push_batch(records)
    ids = [r["registration_id"] for r in answer["results"]]
    assert len(set(ids)) == RECORDS and None not in ids

    first = Server(db_url, tmp_path, "first", **SLOW)
    with servers(first):
        await first.ready()
        before_kill = await wait_for(db, lambda c: c.get("VERIFIED", 0) + c.get("REJECTED", 0) >= 8,
                                     "the first verifier to decide some registrations")
        first.kill()
    after_kill = await wait_for(db, lambda c: True, "counts")
    decided_then = after_kill.get("VERIFIED", 0) + after_kill.get("REJECTED", 0)
    assert 8 <= decided_then < RECORDS, (before_kill, after_kill)  # killed mid-queue

    second = Server(db_url, tmp_path, "second", **FAST)
    with servers(second):
        await second.ready()
        await wait_for(db, lambda c: c.get("PENDING", 0) == 0, "every registration to be decided")

    states = await final_states(db)
    assert set(states) == set(ids)
    expected = {rid: "REJECTED" if n % 8 == 0 else "VERIFIED" for n, rid in enumerate(ids)}
    assert {rid: status for rid, (status, _) in states.items()} == expected
    times, by_actor = await decisions(db)
    assert times == {rid: 1 for rid in ids}, "each registration decided exactly once in the audit trail"
    pids = {int(actor.rsplit(":", 1)[1]) for actor in by_actor}
    assert pids == {first.pid, second.pid}, "both processes decided: the first before it was killed"
    verified_cards = {iccid for status, iccid in states.values() if status == "VERIFIED"}
    assert await activations(db) == {iccid: 1 for iccid in verified_cards}, "one activation per card"
    assert await outcome_events(db) == {rid: 1 for rid in ids}, "one outbox result event per registration"
