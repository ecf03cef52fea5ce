"""Issue 1,000,000 cards into a fresh SQLite file through the issuance code, and compare
with raw ``sqlite3.executemany`` of the same rows into the same schema, in the same run.

Prints cards/s for both, the ratio, and the process's peak memory while issuing.

    python bench/issuance.py [--count 1000000] [--chunk 10000] [--static-ip]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import _path  # noqa: F401  # first: the project's packages before bench/'s scripts of the same names

from carrier_gateway.db import Database
from carrier_gateway.migrate import upgrade
from numbering.identifiers import iccid, imsi, profile
from numbering.ip import pools
from numbering.msisdn import segments
from provisioning.cards import issuance
from provisioning.documents.uscc import calc_check_digit
from provisioning.enterprises.registry import add_enterprise

FIRST_MSISDN = 1440000000000


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def prepare(db: Database, count: int, static_ip: bool) -> int:
    await upgrade(db)
    async with db.write() as conn:
        body = "91110000" + "000000001"
        ent = await add_enterprise(conn, name="Bench Motors", uscc=body + calc_check_digit(body), actor="bench")
        await segments.add_segment(conn, FIRST_MSISDN, FIRST_MSISDN + count - 1, label="bench")
        await segments.allocate_block(conn, ent.id, count)
        if static_ip:
            await pools.add_pool(conn, "10.0.0.0/8", "iov.bench")
            await pools.allocate_prefix(conn, ent.id, 8)
    return ent.id


async def ours(path: Path, count: int, chunk: int, static_ip: bool) -> tuple[float, int]:
    db = Database(f"sqlite+aiosqlite:///{path}")
    try:
        eid = await prepare(db, count, static_ip)
        done = 0

        def progress(order: issuance.Order) -> None:
            nonlocal done
            done = order.issued

        start = time.perf_counter()
        order = await issuance.issue_cards(db.write, eid, count, "TBOX", actor="bench", static_ip=static_ip,
                                           chunk_size=chunk, progress=progress)
        elapsed = time.perf_counter() - start
        assert order.issued == count == done
        async with db.read() as conn:
            prof = await profile.get_profile(conn)
        return elapsed, prof
    finally:
        await db.dispose()


async def empty_schema(path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{path}")
    try:
        await upgrade(db)
    finally:
        await db.dispose()


def raw(path: Path, prof: object, count: int, chunk: int, static_ip: bool) -> float:
    """Time only executemany + commit; the rows are built (untimed) chunk by chunk."""
    asyncio.run(empty_schema(path))
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = NORMAL")
    sql = ("INSERT INTO cards (iccid, imsi, msisdn, static_ip, enterprise_id, order_id, usage) "
           "VALUES (?, ?, ?, ?, ?, ?, ?)")
    spent = 0.0
    for base in range(0, count, chunk):
        n = min(chunk, count - base)
        rows = [(iccid.from_serial(prof, 1 + base + k), imsi.from_serial(prof, 1 + base + k),  # type: ignore[arg-type]
                 str(FIRST_MSISDN + base + k), f"10.{(base + k) >> 16 & 255}.{(base + k) >> 8 & 255}.{k & 255}"
                 if static_ip else None, 1, 1, "TBOX") for k in range(n)]
        start = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        con.executemany(sql, rows)
        con.execute("COMMIT")
        spent += time.perf_counter() - start
    con.close()
    return spent


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=issuance.DEFAULT_CHUNK)
    parser.add_argument("--static-ip", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        mine, prof = asyncio.run(ours(Path(tmp) / "issued.db", args.count, args.chunk, args.static_ip))
        peak = peak_rss_mb()
        base = raw(Path(tmp) / "raw.db", prof, args.count, args.chunk, args.static_ip)
        size = (Path(tmp) / "issued.db").stat().st_size / 2**20
    ours_rate, raw_rate = args.count / mine, args.count / base
    print(f"cards issued:        {args.count:,} (chunks of {args.chunk:,}, static IP: {args.static_ip})")
    print(f"issuance:            {mine:8.1f} s  {ours_rate:10,.0f} cards/s")
    print(f"raw executemany:     {base:8.1f} s  {raw_rate:10,.0f} cards/s")
    print(f"ratio to raw:        {ours_rate / raw_rate:8.2f}  (goal >= 0.50)")
    print(f"peak memory (RSS):   {peak:8.1f} MB  (goal < 300 MB)")
    print(f"database file:       {size:8.1f} MB")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
