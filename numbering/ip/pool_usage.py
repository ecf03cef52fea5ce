"""Utilisation of IP pools and of the prefixes allocated from them.

Address counts can exceed 64 bits (an IPv6 /32 holds 2**96), so they are reported as
decimal strings; percentages are floats.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.errors import NotFound
from numbering.ipspace import WIDTH, Network, from_key, usable
from numbering.tables import addresses, pool_free, pools, prefixes


def _percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 4) if whole else 0.0


async def pool_usage(conn: AsyncConnection, pool_id: int | None = None) -> list[dict[str, Any]]:
    query = select(pools).order_by(pools.c.id)
    if pool_id is not None:
        query = query.where(pools.c.id == pool_id)
    rows = (await conn.execute(query)).all()
    if pool_id is not None and not rows:
        raise NotFound(f"no IP pool {pool_id}", params={"pool": pool_id})
    free: dict[int, int] = {}
    for pid, length, n in (await conn.execute(
        select(pool_free.c.pool_id, pool_free.c.prefixlen, func.count())
        .group_by(pool_free.c.pool_id, pool_free.c.prefixlen))):
        free[pid] = free.get(pid, 0) + (n << (WIDTH - length))
    n_prefixes = dict((await conn.execute(
        select(prefixes.c.pool_id, func.count()).group_by(prefixes.c.pool_id))).all())
    assigned = dict((await conn.execute(
        select(prefixes.c.pool_id, func.count()).select_from(addresses)
        .join(prefixes, prefixes.c.id == addresses.c.prefix_id).group_by(prefixes.c.pool_id))).all())
    out = []
    for r in rows:
        size = 1 << (WIDTH - r.prefixlen)
        allocated = size - free.get(r.id, 0)
        out.append({"id": r.id, "cidr": r.cidr, "apn": r.apn, "version": r.version, "label": r.label,
                    "size": str(size), "allocated": str(allocated), "free": str(size - allocated),
                    "allocated_percent": _percent(allocated, size), "prefixes": n_prefixes.get(r.id, 0),
                    "assigned_addresses": assigned.get(r.id, 0), "created_at": r.created_at})
    return out


async def prefix_usage(conn: AsyncConnection, *, enterprise_id: int | None = None,
                       pool_id: int | None = None) -> list[dict[str, Any]]:
    """Allocated prefixes with usable and assigned address counts."""
    query = (select(prefixes, pools.c.apn, pools.c.version).join(pools, pools.c.id == prefixes.c.pool_id)
             .order_by(prefixes.c.first))
    if enterprise_id is not None:
        query = query.where(prefixes.c.enterprise_id == enterprise_id)
    if pool_id is not None:
        query = query.where(prefixes.c.pool_id == pool_id)
    rows = (await conn.execute(query)).all()
    ids = [r.id for r in rows]
    assigned = dict((await conn.execute(
        select(addresses.c.prefix_id, func.count()).where(addresses.c.prefix_id.in_(ids))
        .group_by(addresses.c.prefix_id))).all())
    out = []
    for r in rows:
        lo, hi = usable(Network(r.version, from_key(r.first), r.prefixlen))
        n_usable, used = hi - lo + 1, assigned.get(r.id, 0)
        out.append({"id": r.id, "pool_id": r.pool_id, "enterprise_id": r.enterprise_id, "prefix": r.cidr,
                    "apn": r.apn, "usable": str(n_usable), "assigned": used, "free": str(n_usable - used),
                    "allocated_at": r.allocated_at})
    return out
