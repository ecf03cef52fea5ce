"""Allocation latency versus existing allocations and fragmentation, with a naive baseline.

For each size N (existing allocations, default 0, 1e3, 1e4, 1e5, 1e6) a fresh SQLite
file is filled with bulk inserts (not through the allocation API) in two layouts:

* contiguous: N allocations packed from the start of the pool / segment / prefix;
* fragmented: 2N slots with every other one allocated, so N holes too small for the
  request measured (a /28 among /29 holes, a /63 among /64 holes, a block of 150
  among holes of 100); addresses: every other address assigned, so the next one is
  the first hole.

It then times real allocations, each its own write transaction, commit included:

* IPv4 prefix (/29, or /28 when fragmented) from 10.0.0.0/8 or 11.0.0.0/8;
* IPv6 prefix (/64, or /63 when fragmented) from 2001:db8::/32 or 3fff::/32;
* MSISDN block (100, or 150 when fragmented) from a 10^9-number segment;
* one static address from an enterprise's /8 prefix.

Each loaded case alternates with the same request on an empty twin (an empty pool,
segment or prefix of the same size in the same file), so "x empty" compares the two
under the same machine load. The naive baseline, measured in the same run on the same
database, is what IP allocators commonly do: load every allocated child, subtract them
from the parent with netaddr ``IPSet``, take the first free CIDR that fits; for MSISDN
blocks it loads every block and walks the gaps. It is not run above --naive-max (at
10x the allocations it takes 10x as long). The pre-filled prefixes and blocks get no
free runs of their own: those take no part in the allocations measured.

    python bench/numbering.py [--sizes 0,1000,10000,100000,1000000] [--repeat 30]
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import _path  # noqa: F401  # first: this script is named like the package it measures
import netaddr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from carrier_gateway.db import Database
from carrier_gateway.migrate import upgrade
from numbering import tables as t
from numbering.intervals import cidr_blocks
from numbering.ip import pools
from numbering.ipspace import V4_BASE, WIDTH, parse_network, to_key
from numbering.msisdn import segments

MSISDN_BASE = {"contiguous": 1440000000000, "fragmented": 1441000000000}
V4 = {"contiguous": "10.0.0.0/8", "fragmented": "11.0.0.0/8"}
V6 = {"contiguous": "2001:db8::/32", "fragmented": "3fff::/32"}
ADDR = {"contiguous": "12.0.0.0/8", "fragmented": "13.0.0.0/8"}
OWNER = {"contiguous": 900_001, "fragmented": 900_002, "empty": 900_003}
EMPTY = {"v4": "14.0.0.0/8", "v6": "2001:db9::/32", "msisdn": 1480000000000, "addr": "15.0.0.0/8"}
Op = Callable[[AsyncConnection], Awaitable[Any]]
CHUNK = 20_000


def ip_text(value: int) -> str:
    """Address text without the ipaddress module's per-call cost (a million of these)."""
    if value >> 32 == 0xFFFF:
        return socket.inet_ntoa((value - V4_BASE).to_bytes(4, "big"))
    return socket.inet_ntop(socket.AF_INET6, value.to_bytes(16, "big"))


def cidr_text(first: int, length: int) -> str:
    return f"{ip_text(first)}/{length - 96 if first >> 32 == 0xFFFF else length}"


async def bulk(conn: AsyncConnection, table: Any, names: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Plain executemany on the SQLite driver: the fastest way in, no per-row processing."""
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    for i in range(0, len(rows), CHUNK):
        await conn.exec_driver_sql(sql, rows[i:i + CHUNK])


def pool_free_rows(pool_id: int, first: int, last: int) -> list[tuple[Any, ...]]:
    return [(pool_id, to_key(s), to_key(s + (1 << (WIDTH - n)) - 1), n) for s, n in cidr_blocks(first, last)]


async def fill_pool(conn: AsyncConnection, cidr: str, n: int, length: int, layout: str) -> int:
    """A pool with ``n`` allocated /length prefixes (every other slot when fragmented)."""
    pool_id = (await pools.add_pool(conn, cidr, "bench." + layout))["id"]
    await conn.execute(t.pool_free.delete().where(t.pool_free.c.pool_id == pool_id))
    net = parse_network(cidr)
    length += 96 if net.version == 4 else 0  # stored lengths are 128-bit (see numbering.ipspace)
    step = 1 << (WIDTH - length)
    stride = 2 if layout == "fragmented" else 1
    prefixes, free = [], []
    for i in range(n):
        first = net.first + i * stride * step
        prefixes.append((pool_id, 1 + i % 1000, cidr_text(first, length), to_key(first), to_key(first + step - 1),
                         length))
        if stride == 2:
            free.append((pool_id, to_key(first + step), to_key(first + 2 * step - 1), length))
    free += pool_free_rows(pool_id, net.first + n * stride * step, net.last)
    await bulk(conn, t.prefixes, ("pool_id", "enterprise_id", "cidr", "first", "last", "prefixlen"), prefixes)
    await bulk(conn, t.pool_free, ("pool_id", "first", "last", "prefixlen"), free)
    return pool_id


async def fill_segment(conn: AsyncConnection, n: int, layout: str) -> int:
    base = MSISDN_BASE[layout]
    seg_id = (await segments.add_segment(conn, base, base + 999_999_999))["id"]
    await conn.execute(t.segment_free.delete().where(t.segment_free.c.segment_id == seg_id))
    stride = 2 if layout == "fragmented" else 1
    blocks = [(seg_id, 1 + i % 1000, base + i * stride * 100, base + i * stride * 100 + 99) for i in range(n)]
    free = [(seg_id, f + 100, f + 199, 100) for _, _, f, _ in blocks] if stride == 2 else []
    tail = base + n * stride * 100
    free.append((seg_id, tail, base + 999_999_999, base + 10**9 - tail))
    await bulk(conn, t.blocks, ("segment_id", "enterprise_id", "first", "last"), blocks)
    await bulk(conn, t.segment_free, ("segment_id", "first", "last", "size"), free)
    return seg_id


async def fill_addresses(conn: AsyncConnection, n: int, layout: str) -> None:
    """An enterprise owning a whole /8 prefix with ``n`` static addresses assigned."""
    pool_id = (await pools.add_pool(conn, ADDR[layout], "addr." + layout))["id"]
    prefix = await pools.allocate_prefix(conn, OWNER[layout], 8, pool_id=pool_id)
    await conn.execute(t.prefix_free.delete().where(t.prefix_free.c.prefix_id == prefix.id))
    stride = 2 if layout == "fragmented" else 1
    owner, lo = OWNER[layout], prefix.first + 1
    taken = [lo + i * stride for i in range(n)]
    rows = [(to_key(a), ip_text(a), prefix.id, owner) for a in taken]
    free = [(prefix.id, owner, to_key(a + 1), to_key(a + 1)) for a in taken] if stride == 2 else []
    free.append((prefix.id, owner, to_key(lo + n * stride), to_key(prefix.last - 1)))
    await bulk(conn, t.addresses, ("address", "ip", "prefix_id", "enterprise_id"), rows)
    await bulk(conn, t.prefix_free, ("prefix_id", "enterprise_id", "first", "last"), free)


async def timed_pair(db: Database, empty: Op, loaded: Op, repeat: int) -> tuple[list[float], list[float]]:
    """Alternate the same allocation on an empty and on a loaded resource, each in its own
    write transaction, so both see the same machine load."""
    out: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for op, times in ((empty, out[0]), (loaded, out[1])):
            start = time.perf_counter()
            async with db.write() as conn:
                await op(conn)
            times.append((time.perf_counter() - start) * 1000)
    return out


async def naive_prefix(db: Database, pool_id: int, cidr: str, length: int) -> str | None:
    async with db.read() as conn:
        children = (await conn.execute(select(t.prefixes.c.cidr).where(t.prefixes.c.pool_id == pool_id))).scalars()
        free = netaddr.IPSet([cidr]) - netaddr.IPSet(list(children))
    for block in free.iter_cidrs():
        if block.prefixlen <= length:
            return str(next(block.subnet(length)))
    return None


async def naive_address(db: Database, cidr: str, owner: int) -> str | None:
    async with db.read() as conn:
        taken = (await conn.execute(select(t.addresses.c.ip).where(t.addresses.c.enterprise_id == owner))).scalars()
        net = netaddr.IPNetwork(cidr)
        free = netaddr.IPSet([net]) - netaddr.IPSet(list(taken)) - netaddr.IPSet([net.network, net.broadcast])
    for block in free.iter_cidrs():
        return str(block[0])
    return None


async def naive_block(db: Database, seg_id: int, count: int) -> int | None:
    async with db.read() as conn:
        seg = (await conn.execute(select(t.segments).where(t.segments.c.id == seg_id))).one()
        rows = (await conn.execute(select(t.blocks.c.first, t.blocks.c.last).where(t.blocks.c.segment_id == seg_id)
                                   .order_by(t.blocks.c.first))).all()
    best, at = None, seg.first
    for first, last in [*rows, (seg.last + 1, seg.last + 1)]:
        gap = first - at
        if gap >= count and (best is None or gap < best[0]):
            best = (gap, at)
        at = last + 1
    return best[1] if best else None


async def naive_ms(fn: Callable[[], Awaitable[Any]], budget: float) -> float:
    times, spent = [], 0.0
    while spent < budget or not times:
        start = time.perf_counter()
        await fn()
        times.append((time.perf_counter() - start) * 1000)
        spent += times[-1] / 1000
        if len(times) >= 5:
            break
    return statistics.median(times)


async def fill(db: Database, n: int) -> dict[str, dict[str, int]]:
    ids: dict[str, dict[str, int]] = {}
    for layout in ("contiguous", "fragmented"):
        async with db.write() as conn:
            ids[layout] = {"v4": await fill_pool(conn, V4[layout], n, 29, layout),
                           "v6": await fill_pool(conn, V6[layout], n, 64, layout),
                           "seg": await fill_segment(conn, n, layout)}
            await fill_addresses(conn, n, layout)
    async with db.write() as conn:  # the empty twins, allocated from alternately
        ids["empty"] = {"v4": (await pools.add_pool(conn, EMPTY["v4"], "empty"))["id"],
                        "v6": (await pools.add_pool(conn, EMPTY["v6"], "empty"))["id"],
                        "seg": (await segments.add_segment(conn, EMPTY["msisdn"], EMPTY["msisdn"] + 10**9 - 1))["id"]}
        addr_pool = (await pools.add_pool(conn, EMPTY["addr"], "empty"))["id"]
        await pools.allocate_prefix(conn, OWNER["empty"], 8, pool_id=addr_pool)
    return ids


def cases(db: Database, ids: dict[str, dict[str, int]], layout: str) -> list[tuple[str, str, Op, Op, Op]]:
    """(name, request, op on the empty twin, op on the loaded resource, naive op) per resource."""
    frag, i, e = layout == "fragmented", ids[layout], ids["empty"]
    v4, v6, block = (28, 63, 150) if frag else (29, 64, 100)
    return [
        ("IPv4 prefix", f"/{v4} of {V4[layout]}", lambda c: pools.allocate_prefix(c, 5, v4, pool_id=e["v4"]),
         lambda c: pools.allocate_prefix(c, 5, v4, pool_id=i["v4"]), lambda: naive_prefix(db, i["v4"], V4[layout], v4)),
        ("IPv6 prefix", f"/{v6} of {V6[layout]}", lambda c: pools.allocate_prefix(c, 5, v6, pool_id=e["v6"]),
         lambda c: pools.allocate_prefix(c, 5, v6, pool_id=i["v6"]), lambda: naive_prefix(db, i["v6"], V6[layout], v6)),
        ("MSISDN block", f"{block} numbers", lambda c: segments.allocate_block(c, 5, block, segment_id=e["seg"]),
         lambda c: segments.allocate_block(c, 5, block, segment_id=i["seg"]),
         lambda: naive_block(db, i["seg"], block)),
        ("static address", f"1 of {ADDR[layout]}", lambda c: pools.assign_addresses(c, OWNER["empty"], 1),
         lambda c: pools.assign_addresses(c, OWNER[layout], 1), lambda: naive_address(db, ADDR[layout], OWNER[layout])),
    ]


async def run_size(path: Path, n: int, repeat: int, budget: float, naive_max: int) -> list[dict[str, Any]]:
    db = Database(f"sqlite+aiosqlite:///{path}")
    results = []
    try:
        await upgrade(db)
        start = time.perf_counter()
        ids = await fill(db, n)
        fill_s = time.perf_counter() - start
        for layout in ("contiguous", "fragmented") if n else ("contiguous",):
            for name, what, empty_op, op, naive in cases(db, ids, layout):
                empty_ms, ms = await timed_pair(db, empty_op, op, repeat)
                results.append({"op": name, "what": what, "n": n, "layout": layout if n else "empty",
                                "p50": statistics.median(ms), "p95": sorted(ms)[int(0.95 * (len(ms) - 1))],
                                "empty": statistics.median(empty_ms), "fill_s": fill_s,
                                "naive": await naive_ms(naive, budget) if n <= naive_max else None})
    finally:
        await db.dispose()
    return results


async def empty_24(path: Path, repeat: int) -> float:
    db = Database(f"sqlite+aiosqlite:///{path}")
    try:
        await upgrade(db)
        async with db.write() as conn:
            pool_id = (await pools.add_pool(conn, "192.0.2.0/24", "ref"))["id"]
        op: Op = lambda c: pools.allocate_prefix(c, 5, 29, pool_id=pool_id)  # noqa: E731
        _, ms = await timed_pair(db, op, op, min(repeat, 16))
        return statistics.median(ms)
    finally:
        await db.dispose()


def report(rows: list[dict[str, Any]], ref24: float) -> None:
    head = (f"{'operation':15} {'request':22} {'existing':>9} {'layout':11} {'p50 ms':>7} {'p95 ms':>7} "
            f"{'empty p50':>9} {'x empty':>7} {'naive p50 ms':>12} {'naive/ours':>10}")
    print(head)
    print("-" * len(head))
    for r in sorted(rows, key=lambda r: (r["op"], r["layout"] == "fragmented", r["n"])):
        naive = f"{r['naive']:12.1f} {r['naive'] / r['p50']:10.0f}" if r["naive"] is not None else \
            f"{'not run':>12} {'-':>10}"
        print(f"{r['op']:15} {r['what']:22} {r['n']:>9,} {r['layout']:11} {r['p50']:7.2f} {r['p95']:7.2f} "
              f"{r['empty']:9.2f} {r['p50'] / r['empty']:7.2f} {naive}")
    print("\nx empty: p50 on the loaded resource / p50 of the same request on an empty twin, "
          "measured alternately in the same run")
    print(f"reference: IPv4 /29 from an empty 192.0.2.0/24: p50 {ref24:.2f} ms")
    at_1e5 = [r for r in rows if r["n"] == 100_000]
    if at_1e5:
        worst = max(at_1e5, key=lambda r: r["p50"] / r["empty"])
        ratio = worst["p50"] / worst["empty"]
        print(f"worst at 100,000 existing allocations: {worst['op']} {worst['layout']} {ratio:.2f}x empty "
              f"({'flat: within 3x' if ratio <= 3 else 'NOT within 3x'})")
    fills = sorted({(r["n"], r["fill_s"]) for r in rows})
    print("bulk pre-fill (both layouts, all four resources): " + ", ".join(f"{n:,}: {s:.1f}s" for n, s in fills))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="0,1000,10000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=30, help="allocations timed per case")
    parser.add_argument("--naive-budget", type=float, default=2.0, help="seconds of naive runs per case")
    parser.add_argument("--naive-max", type=int, default=100_000, help="largest size the naive baseline runs at")
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        ref24 = await empty_24(Path(tmp) / "ref.db", args.repeat)
        for n in (int(s) for s in args.sizes.split(",")):
            rows += await run_size(Path(tmp) / f"n{n}.db", n, args.repeat, args.naive_budget, args.naive_max)
            print(f"... {n:,} done", flush=True)
    print()
    report(rows, ref24)


if __name__ == "__main__":
    asyncio.run(main())
