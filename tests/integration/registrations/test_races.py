"""Two `carrier serve` processes over real sockets give the verdicts one process gives.

Every rule that reads and then decides is raced in 50 pairs, the two requests of a pair
sent at once, one to each process: the same VIN for two owners and one document past
its card cap (each process gets one batch holding one half of every pair, and both
verifiers decide their halves at the same moment), one Idempotency-Key with two bodies
and one record pushed twice (single pushes). Zero double approvals and zero duplicates
are expected: the guards are advisory locks (VIN, document, card) and unique keys
(Idempotency-Key, natural key), see docs/concurrency.md.

Also, on two processes: bad records from one enterprise next to good ones from another,
a batch with a refused record and a job with refused lines (each stands alone).
"""

from __future__ import annotations

import asyncio
import collections
import json
import random
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import select

from carrier_gateway.client import ApiError, OemClient
from carrier_gateway.db import Database
from provisioning.documents import fake
from provisioning.privacy.keyring import Keyring
from provisioning.registrations.tables import registrations
from tests.integration.registrations.processes import Server, servers, wait_for
from tests.support.poison import POISON_VIN, refuse_vin
from tests.support.world import build_oem, individual

PAIRS = 50
#: one verifying worker per process, claiming a pair's worth of rows at once, a slow
#: identity authority: both processes decide their halves of the pairs at the same time
RACING = {"CARRIER_WORKERS": "1", "CARRIER_VERIFY_BATCH_SIZE": str(PAIRS), "CARRIER_AUTHORITY_LATENCY": "0.1",
          "CARRIER_MAX_CARDS_PER_DOCUMENT": "1"}


async def _attempt(client: OemClient, record: dict[str, Any], key: str | None = None) -> Any:
    try:
        return await client.push(record, idempotency_key=key)
    except ApiError as exc:
        return exc


async def _pairs(to_a: OemClient, to_b: OemClient, pairs: list[tuple[dict[str, Any], dict[str, Any]]],
                 keys: list[str] | None = None) -> list[tuple[Any, Any]]:
    """Send every pair at once, the first of each to process a and the second to b."""
    sends = []
    for n, (first, second) in enumerate(pairs):
        key = keys[n] if keys else None
        sends += [_attempt(to_a, first, key), _attempt(to_b, second, key)]
    answers = await asyncio.gather(*sends)
    return list(zip(answers[0::2], answers[1::2], strict=True))


async def _halves(db: Database, to_a: OemClient, to_b: OemClient,
                  pairs: list[tuple[dict[str, Any], dict[str, Any]]]) -> list[tuple[Any, Any]]:
    """The first of every pair in one batch to process a and the seconds in one batch to
    b, at once: each process wakes its verifier, which claims what has arrived, so the two
    verifiers decide at the same moment with the pairs split between them. Then wait
    until everything is decided."""
    first, second = await asyncio.gather(to_a.push_batch([p[0] for p in pairs]),
                                         to_b.push_batch([p[1] for p in pairs]))
    await wait_for(db, lambda c: c.get("PENDING", 0) == 0, "both processes to decide everything")
    return list(zip(first["results"], second["results"], strict=True))


async def _by_id(db: Database) -> dict[str, Any]:
    async with db.read() as conn:
        return {r.id: r for r in await conn.execute(select(registrations))}


def _verified_per(groups: list[list[str]], rows: dict[str, Any]) -> collections.Counter[int]:
    """How many groups had 0, 1, 2... VERIFIED registrations."""
    return collections.Counter(sum(rows[rid].status == "VERIFIED" for rid in group) for group in groups)


async def test_two_processes_give_one_verdict_per_racing_pair(
        db_url: str, db: Database, master_key: Keyring, tmp_path: Path) -> None:
    oem = await build_oem(db, master_key, cards=7 * PAIRS)
    cards = iter(oem.iccids)
    rng = random.Random(21)
    same_vin = []
    for _ in range(PAIRS):
        vin = fake.vin(rng)
        same_vin.append((individual(rng, iccid=next(cards), vin=vin), individual(rng, iccid=next(cards), vin=vin)))
    one_document = []
    for _ in range(PAIRS):
        first = individual(rng, iccid=next(cards))
        second = individual(rng, iccid=next(cards), name=first["subject"]["name"],
                            id_number=first["subject"]["id_number"])
        one_document.append((first, second))
    one_key = [(individual(rng, iccid=next(cards)), individual(rng, iccid=next(cards))) for _ in range(PAIRS)]
    twice = [(record, record) for record in (individual(rng, iccid=next(cards)) for _ in range(PAIRS))]

    a, b = Server(db_url, tmp_path, "a", **RACING), Server(db_url, tmp_path, "b", **RACING)
    with servers(a, b):
        await asyncio.gather(a.ready(), b.ready())
        async with aiohttp.ClientSession() as session:
            to_a = OemClient(a.url, oem.key_id, oem.secret, session=session)
            to_b = OemClient(b.url, oem.key_id, oem.secret, session=session)
            doc_answers = await _halves(db, to_a, to_b, one_document)
            vin_answers = await _halves(db, to_a, to_b, same_vin)
            key_answers = await _pairs(to_a, to_b, one_key, keys=[f"race-key-{n:04d}" for n in range(PAIRS)])
            twice_answers = await _pairs(to_a, to_b, twice)
        await wait_for(db, lambda c: c.get("PENDING", 0) == 0, "both processes to decide everything")
    rows = await _by_id(db)

    def ids(answers: list[tuple[Any, Any]]) -> list[list[str]]:
        return [[x["registration_id"] for x in pair] for pair in answers]

    assert all(isinstance(x, dict) for pair in vin_answers + doc_answers + twice_answers for x in pair)
    seen = {
        "same VIN, two owners: pairs by VERIFIED count": _verified_per(ids(vin_answers), rows),
        "one document past its cap: pairs by VERIFIED count": _verified_per(ids(doc_answers), rows),
        "one Idempotency-Key, two bodies: pairs by (202s, 409s)": collections.Counter(
            (sum(isinstance(x, dict) for x in pair),
             sum(isinstance(x, ApiError) and x.status == 409 for x in pair)) for pair in key_answers),
        "one record twice: pairs by distinct registrations": collections.Counter(
            len(set(pair)) for pair in ids(twice_answers)),
    }
    assert seen == {
        "same VIN, two owners: pairs by VERIFIED count": {1: PAIRS},
        "one document past its cap: pairs by VERIFIED count": {1: PAIRS},
        "one Idempotency-Key, two bodies: pairs by (202s, 409s)": {(1, 1): PAIRS},
        "one record twice: pairs by distinct registrations": {1: PAIRS},
    }
    losers = [rows[rid] for group in ids(vin_answers) for rid in group if rows[rid].status != "VERIFIED"]
    assert {code["code"] for row in losers for code in json.loads(row.reasons)} == {"VIN_ALREADY_BOUND"}
    capped = [rows[rid] for group in ids(doc_answers) for rid in group if rows[rid].status != "VERIFIED"]
    assert {code["code"] for row in capped for code in json.loads(row.reasons)} == {"CARD_LIMIT_EXCEEDED"}
    keyed = [x["registration_id"] for pair in key_answers for x in pair if isinstance(x, dict)]
    assert len(set(keyed)) == PAIRS and len(rows) == 6 * PAIRS, "one registration per key and record"


async def test_two_processes_isolate_bad_records(db_url: str, db: Database, master_key: Keyring,
                                                 tmp_path: Path) -> None:
    bad_oem = await build_oem(db, master_key, cards=40, seed=1)
    good_oem = await build_oem(db, master_key, cards=60, seed=2)
    await refuse_vin(db)
    rng = random.Random(22)
    bad = []
    for n, iccid in enumerate(bad_oem.iccids[:20]):
        record = individual(rng, iccid=iccid, vin=POISON_VIN if n % 2 else None)
        if n % 4 == 0:
            record["subject"]["id_type"] = "R" * 40
        elif n % 4 == 2:
            record["vin"] = record["vin"][:8] + "\x00" + record["vin"][9:]
        bad.append(record)
    good = [individual(rng, iccid=iccid) for iccid in good_oem.iccids[:20]]
    a, b = Server(db_url, tmp_path, "a"), Server(db_url, tmp_path, "b")
    with servers(a, b):
        await asyncio.gather(a.ready(), b.ready())
        async with aiohttp.ClientSession() as session:
            clients = [OemClient(s.url, o.key_id, o.secret, session=session)
                       for s in (a, b) for o in (bad_oem, good_oem)]
            bad_a, good_a, bad_b, good_b = clients
            sends = []
            for n in range(20):  # each enterprise's pushes alternate between the processes
                sends.append(_attempt(bad_a if n % 2 else bad_b, bad[n]))
                sends.append(_attempt(good_b if n % 2 else good_a, good[n]))
            answers = await asyncio.gather(*sends)
            batch = await good_b.push_batch([individual(rng, iccid=good_oem.iccids[20]),
                                             individual(rng, iccid=good_oem.iccids[21], vin=POISON_VIN),
                                             individual(rng, iccid=good_oem.iccids[22])])
            job_lines = [individual(rng, iccid=good_oem.iccids[30]), bad[2], individual(rng, iccid=good_oem.iccids[31]),
                         individual(rng, iccid=good_oem.iccids[32], vin=POISON_VIN), bad[0]]
            job = await good_a.upload_job(job_lines)
            done = await good_b.wait_for_job(job["job_id"], timeout=120, interval=0.1)
            results = await good_a.job_results(job["job_id"])
    bad_answers, good_answers = answers[0::2], answers[1::2]
    assert [a["status"] for a in good_answers] == ["PENDING"] * 20, good_answers
    assert all(isinstance(x, ApiError) and x.status == 422 for x in bad_answers), bad_answers
    assert [(r["status"], [e["code"] for e in r["errors"]]) for r in batch["results"]] == [
        ("PENDING", []), ("REJECTED", ["NOT_STORED"]), ("PENDING", [])]
    assert done["status"] == "COMPLETED" and [r["line"] for r in results] == [1, 2, 3, 4, 5]
    assert [r.get("status") if r["registration_id"] else r["errors"][0]["code"] for r in results] == [
        "VERIFIED", "SCHEMA_INVALID", "VERIFIED", "NOT_STORED", "SCHEMA_INVALID"]
    rows = (await _by_id(db)).values()
    assert sum(r.enterprise_id == good_oem.enterprise_id for r in rows) == 20 + 2 + 2
    assert not any(r.enterprise_id == bad_oem.enterprise_id for r in rows)
