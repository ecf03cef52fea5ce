"""Many tasks and two OS processes allocating at once never get the same resource.

On SQLite two Database objects give two connection pools on one file (the contention
two processes would have); on PostgreSQL the tasks run truly concurrent transactions
and the row locks do the work. The process test runs on both backends.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import netaddr

from carrier_gateway.db import Database
from numbering.identifiers import serials
from numbering.intervals import size
from numbering.ip import pools
from numbering.msisdn import segments
from tests.integration.numbering.helpers import BASE, check_segment_invariants, write
from tests.integration.numbering.worker import TASKS

ROOT = Path(__file__).resolve().parents[3]


async def _stock(db: Database) -> None:
    await write(db, segments.add_segment, BASE, BASE + 99_999)
    await write(db, segments.allocate_block, 1, 10_000)
    await write(db, pools.add_pool, "10.0.0.0/16", "iov")
    await write(db, pools.allocate_prefix, 1, 24)


def _assert_disjoint(got: dict[str, list[Any]], rounds: int) -> None:
    numbers = [n for first, last in got["blocks"] for n in range(first, last + 1)]
    assert len(got["blocks"]) == rounds and len(numbers) == len(set(numbers)) == 3 * rounds
    assigned = [n for first, last in got["msisdns"] for n in range(first, last + 1)]
    assert len(assigned) == len(set(assigned)) == 2 * rounds
    assert not set(assigned) & set(numbers)
    nets = [netaddr.IPNetwork(c) for c in got["prefixes"]]
    assert len(nets) == rounds and netaddr.IPSet(nets).size == 4 * rounds  # no two prefixes overlap
    assert len(got["addresses"]) == len(set(got["addresses"])) == 2 * rounds
    spans = [(s, s + 4) for s in got["serials"]]
    assert len({n for a, b in spans for n in range(a, b + 1)}) == 5 * rounds


async def test_concurrent_tasks_on_two_pools_never_share_anything(db: Database, db_url: str) -> None:
    await _stock(db)
    other = Database(db_url)
    got: dict[str, list[Any]] = {"blocks": [], "msisdns": [], "prefixes": [], "addresses": [], "serials": []}

    async def one(d: Database, i: int) -> None:
        async with d.write() as conn:
            b = await segments.allocate_block(conn, 100 + i, 3)
        got["blocks"].append([b.first, b.last])
        async with d.write() as conn:
            got["msisdns"] += await segments.assign_msisdns(conn, 1, 2)
        async with d.write() as conn:
            got["prefixes"].append((await pools.allocate_prefix(conn, 100 + i, 30)).cidr)
        async with d.write() as conn:
            got["addresses"] += await pools.assign_addresses(conn, 1, 2)
        async with d.write() as conn:
            got["serials"].append(await serials.reserve(conn, "imsi", 5))

    try:
        await asyncio.gather(*(one(db if i % 2 else other, i) for i in range(30)))
    finally:
        await other.dispose()
    _assert_disjoint(got, 30)
    async with db.read() as conn:
        await check_segment_invariants(conn)


async def test_two_processes_never_share_anything(db: Database, db_url: str) -> None:
    await _stock(db)
    rounds = 8
    procs = [subprocess.Popen([sys.executable, "-m", "tests.integration.numbering.worker", db_url, str(e), str(rounds)],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for e in (2, 3)]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        results.append(json.loads(out))
    merged = {k: results[0][k] + results[1][k] for k in results[0]}
    per_process = TASKS * rounds
    assert all(len(r["blocks"]) == per_process for r in results)
    _assert_disjoint(merged, 2 * per_process)
    assert sum(size(tuple(r)) for r in merged["msisdns"]) == 2 * 2 * per_process
    async with db.read() as conn:
        await check_segment_invariants(conn)
