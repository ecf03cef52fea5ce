"""Static addresses for cards, from the usable free runs of an enterprise's prefixes.

Addresses go out lowest first. Free space stays in runs; only the addresses handed
out are enumerated (one row each, UNIQUE, so a double assignment cannot commit).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.checks import positive
from numbering.errors import Conflict, Exhausted, Invalid
from numbering.freelists import PREFIX_FREE
from numbering.intervals import runs_of
from numbering.ipspace import address_text, parse_address, to_key
from numbering.runs import FreeRun
from numbering.sqlutil import backstop
from numbering.tables import addresses as assigned
from numbering.tables import pools, prefix_free, prefixes

_CHUNK = 500


async def _lock_prefixes(conn: AsyncConnection, ids: Sequence[int]) -> None:
    if ids:
        await conn.execute(select(prefixes.c.id).where(prefixes.c.id.in_(sorted(ids)))
                           .order_by(prefixes.c.id).with_for_update())


async def assign_addresses(conn: AsyncConnection, enterprise_id: int, count: int, *,
                           apn: str | None = None) -> list[str]:
    """``count`` usable static addresses from the enterprise's prefixes (of ``apn``), lowest first."""
    positive(enterprise_id, "enterprise_id")
    positive(count, "count")
    query = select(prefixes.c.id).where(prefixes.c.enterprise_id == enterprise_id)
    if apn is not None:
        query = query.join(pools, pools.c.id == prefixes.c.pool_id).where(pools.c.apn == apn.lower())
    ids = (await conn.execute(query)).scalars().all()
    scope = f" for APN {apn}" if apn else ""
    if not ids:
        raise Exhausted(f"enterprise {enterprise_id} has no IP prefix{scope} (0 free addresses); "
                        "allocate one with `carrier pool allocate`")
    await _lock_prefixes(conn, ids)
    t = prefix_free
    plan: list[tuple[FreeRun, int]] = []
    left, after = count, None
    while left:
        page_query = select(t).where(t.c.enterprise_id == enterprise_id, t.c.prefix_id.in_(ids))
        if after is not None:
            page_query = page_query.where(t.c.first > after)
        page = (await conn.execute(page_query.order_by(t.c.first).limit(min(left, _CHUNK)))).all()
        if not page:
            raise Exhausted(f"enterprise {enterprise_id} has {count - left} free static addresses{scope}, "
                            f"{count} requested")
        for row in page:
            run = PREFIX_FREE.run(row)
            take = min(left, run.size)
            plan.append((run, take))
            left -= take
            if not left:
                break
        after = page[-1].first
    out: list[str] = []
    rows = []
    for run, take in plan:
        await PREFIX_FREE.take(conn, run, (run.first, run.first + take - 1))
        for value in range(run.first, run.first + take):
            text = address_text(value)
            out.append(text)
            rows.append({"address": to_key(value), "ip": text, "prefix_id": run.owner, "enterprise_id": enterprise_id})
    with backstop("a static address"):
        await conn.execute(insert(assigned), rows)
    return out


async def release_addresses(conn: AsyncConnection, addresses: Sequence[str]) -> None:
    """Give static addresses back to their prefixes; all or nothing.

    An address that is not assigned is a Conflict naming it, and nothing is released.
    """
    keys: dict[str, int] = {}
    for text in addresses:
        try:
            value = parse_address(str(text))
        except ValueError as exc:
            raise Invalid(str(exc), field="addresses") from None
        if to_key(value) in keys:
            raise Invalid(f"{text} is listed twice", field="addresses")
        keys[to_key(value)] = value
    key_list = list(keys)
    found = await _assigned(conn, key_list, keys)
    await _lock_prefixes(conn, {r.prefix_id for r in found})
    found = await _assigned(conn, key_list, keys)  # again, under the locks
    by_prefix: dict[tuple[int, int], list[int]] = defaultdict(list)
    for r in found:
        by_prefix[(r.prefix_id, r.enterprise_id)].append(keys[r.address])
    for i in range(0, len(key_list), _CHUNK):
        await conn.execute(delete(assigned).where(assigned.c.address.in_(key_list[i:i + _CHUNK])))
    for (prefix_id, enterprise_id), values in by_prefix.items():
        for first, last in runs_of(values):
            await PREFIX_FREE.give(conn, prefix_id, first, last, {"enterprise_id": enterprise_id})


async def _assigned(conn: AsyncConnection, key_list: list[str], keys: dict[str, int]) -> list[Row[Any]]:
    """The assignment rows of ``key_list``; Conflict naming the lowest address without one."""
    found: list[Row[Any]] = []
    for i in range(0, len(key_list), _CHUNK):
        found += (await conn.execute(select(assigned.c.address, assigned.c.prefix_id, assigned.c.enterprise_id)
                                     .where(assigned.c.address.in_(key_list[i:i + _CHUNK])))).all()
    missing = set(key_list) - {r.address for r in found}
    if missing:
        raise Conflict(f"{address_text(keys[min(missing)])} is not assigned to any card",
                       code="ADDRESS_NOT_ASSIGNED", field="addresses")
    return found
