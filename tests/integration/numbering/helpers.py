"""Shared helpers for the numbering storage tests."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from carrier_gateway.db import Database
from numbering import tables as t
from numbering.msisdn.usage import segment_usage

T = TypeVar("T")
BASE = 1440000000000  # the first China Mobile IoT number


async def write(db: Database, fn: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
    async with db.write() as conn:
        return await fn(conn, *args, **kwargs)


async def read(db: Database, fn: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
    async with db.read() as conn:
        return await fn(conn, *args, **kwargs)


async def count_rows(conn: AsyncConnection, table: Any) -> int:
    return (await conn.execute(select(func.count()).select_from(table))).scalar_one()


async def wipe(db: Database) -> None:
    """Empty every numbering table (children first)."""
    async with db.write() as conn:
        for table in (t.addresses, t.prefix_free, t.prefixes, t.pool_free, t.pools, t.quarantine, t.block_free,
                      t.blocks, t.segment_free, t.segments, t.serials, t.profile):
            await conn.execute(delete(table))


async def check_segment_invariants(conn: AsyncConnection) -> list[dict[str, Any]]:
    """stock + allocated + quarantined == total per segment; runs never overlap."""
    usage = await segment_usage(conn)
    for seg in usage:
        assert seg["stock"] + seg["allocated"] + seg["quarantined"] == seg["total"], seg
        assert 0 <= seg["assigned"] <= seg["allocated"], seg
    spans: list[tuple[int, int]] = []
    for table in (t.segment_free, t.block_free, t.quarantine):
        spans += [(r.first, r.last) for r in await conn.execute(select(table.c.first, table.c.last))]
    spans.sort()
    for (_, a_last), (b_first, _) in itertools.pairwise(spans):
        assert a_last < b_first, f"runs overlap at {b_first}"
    blocks = sorted((r.first, r.last) for r in await conn.execute(select(t.blocks.c.first, t.blocks.c.last)))
    for (_, a_last), (b_first, _) in itertools.pairwise(blocks):
        assert a_last < b_first, f"blocks overlap at {b_first}"
    return usage
