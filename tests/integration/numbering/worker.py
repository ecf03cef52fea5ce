"""A process that allocates in a loop, for the two-process concurrency test.

    python -m tests.integration.numbering.worker URL ENTERPRISE ROUNDS

Prints one JSON document: every block, number run, prefix, address and serial it got.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from carrier_gateway.db import Database
from numbering.identifiers import serials
from numbering.ip import pools
from numbering.msisdn import segments

TASKS = 3


async def _round(db: Database, enterprise: int, got: dict[str, list[Any]]) -> None:
    async with db.write() as conn:
        block = await segments.allocate_block(conn, enterprise, 3)
        got["blocks"].append([block.first, block.last])
    async with db.write() as conn:
        got["msisdns"] += [list(r) for r in await segments.assign_msisdns(conn, 1, 2)]
    async with db.write() as conn:
        got["prefixes"].append((await pools.allocate_prefix(conn, enterprise, 30)).cidr)
    async with db.write() as conn:
        got["addresses"] += await pools.assign_addresses(conn, 1, 2)
    async with db.write() as conn:
        got["serials"].append(await serials.reserve(conn, "iccid", 5))


async def main(url: str, enterprise: int, rounds: int) -> dict[str, list[Any]]:
    db = Database(url)
    got: dict[str, list[Any]] = {"blocks": [], "msisdns": [], "prefixes": [], "addresses": [], "serials": []}

    async def task() -> None:
        for _ in range(rounds):
            await _round(db, enterprise, got)

    try:
        await asyncio.gather(*(task() for _ in range(TASKS)))
    finally:
        await db.dispose()
    return got


if __name__ == "__main__":
    result = asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
    sys.stdout.write(json.dumps(result) + "\n")
