"""IP pools per APN, prefixes allocated from them to enterprises, and static addresses.

A pool is an IPv4 or IPv6 CIDR serving one APN; pools never overlap, even across
APNs, so an address names one assignment. ``allocate_prefix`` gives an enterprise the
first free aligned sub-prefix of the asked length (see numbering.ip.poolfree) under the
pool's row lock; a UNIQUE constraint on the prefix start is the backstop.
Static addresses for cards: :mod:`numbering.ip.addresses`, re-exported here.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering import checks
from numbering.checks import check_apn, positive
from numbering.errors import Conflict, Exhausted, Invalid, NotFound
from numbering.freelists import PREFIX_FREE
from numbering.identifiers import profile
from numbering.ip import poolfree
from numbering.ip.addresses import assign_addresses, release_addresses
from numbering.ipspace import V4_OFFSET, WIDTH, Network, cidr_text, from_key, parse_network, to_key, usable
from numbering.sqlutil import backstop
from numbering.tables import addresses, pools, prefix_free, prefixes

__all__ = ["Prefix", "add_pool", "allocate_prefix", "assign_addresses", "find_prefix", "release_addresses",
           "release_prefix"]



@dataclasses.dataclass(frozen=True)
class Prefix:
    id: int
    pool_id: int
    enterprise_id: int
    cidr: str
    first: int
    last: int




def _network(text: str, field: str) -> Network:
    try:
        return parse_network(text)
    except ValueError as exc:
        raise Invalid(str(exc), field=field) from None


async def add_pool(conn: AsyncConnection, cidr: str, apn: str, label: str = "") -> dict[str, Any]:
    """Add an IPv4 or IPv6 pool for ``apn``; overlapping an existing pool is refused."""
    net = _network(cidr, "cidr")
    apn = check_apn(apn)
    checks.label(label)
    await profile.lock(conn)  # serialises pool adds, so the overlap check cannot race
    clash = (await conn.execute(select(pools.c.id, pools.c.cidr, pools.c.apn).where(
        pools.c.first <= to_key(net.last), pools.c.last >= to_key(net.first)).limit(1))).first()
    if clash is not None:
        raise Conflict(f"{net} overlaps pool {clash.id} ({clash.cidr}, APN {clash.apn})", code="POOL_OVERLAP")
    with backstop(f"pool {net}"):
        pool_id = (await conn.execute(insert(pools).values(
            cidr=str(net), version=net.version, apn=apn, first=to_key(net.first), last=to_key(net.last),
            prefixlen=net.prefixlen, label=label).returning(pools.c.id))).scalar_one()
    await poolfree.give(conn, pool_id, net.first, net.last)
    return {"id": pool_id, "cidr": str(net), "apn": apn, "version": net.version, "label": label}


async def allocate_prefix(conn: AsyncConnection, enterprise_id: int, prefix_length: int, *,
                          apn: str | None = None, pool_id: int | None = None) -> Prefix:
    """Give ``enterprise_id`` the first free /``prefix_length`` of the first pool that has one."""
    positive(enterprise_id, "enterprise_id")
    if isinstance(prefix_length, bool) or not isinstance(prefix_length, int) or not 0 <= prefix_length <= WIDTH:
        raise Invalid(f"prefix length must be 0 to 128, not {prefix_length!r}", field="prefix_length")
    query = select(pools).order_by(pools.c.id)
    if apn is not None:
        query = query.where(pools.c.apn == check_apn(apn))
    if pool_id is not None:
        query = query.where(pools.c.id == pool_id)
    candidates = (await conn.execute(query)).all()
    where = f" for APN {apn}" if apn else (f" {pool_id}" if pool_id is not None else "")
    if not candidates:
        named = {"apn": apn} if apn else ({"pool": pool_id} if pool_id is not None else {})
        raise NotFound(f"no IP pool{where}", params=named)
    fitting = []
    for pool in candidates:
        length = prefix_length + (V4_OFFSET if pool.version == 4 else 0)
        if pool.prefixlen <= length <= WIDTH:
            fitting.append((pool, length))
    if not fitting:
        have = ", ".join(p.cidr for p in candidates)
        raise Invalid(f"no pool{where} can hold a /{prefix_length} (pools: {have})", field="prefix_length")
    for pool, length in fitting:
        if await poolfree.first_free(conn, pool.id, pool.prefixlen, length) is None:
            continue
        await conn.execute(select(pools.c.id).where(pools.c.id == pool.id).with_for_update())
        block = await poolfree.first_free(conn, pool.id, pool.prefixlen, length)  # again, under the lock
        if block is None:
            continue
        first, last = await poolfree.take(conn, pool.id, block, length)
        cidr = cidr_text(first, length)
        with backstop(f"prefix {cidr}"):
            new_id = (await conn.execute(insert(prefixes).values(
                pool_id=pool.id, enterprise_id=enterprise_id, cidr=cidr, first=to_key(first), last=to_key(last),
                prefixlen=length).returning(prefixes.c.id))).scalar_one()
        lo, hi = usable(Network(pool.version, first, length))
        await PREFIX_FREE.insert(conn, new_id, lo, hi, {"enterprise_id": enterprise_id})
        return Prefix(new_id, pool.id, enterprise_id, cidr, first, last)
    raise Exhausted(f"no free /{prefix_length} left in the pools{where} ({', '.join(p.cidr for p, _ in fitting)})")


async def find_prefix(conn: AsyncConnection, ref: str | int) -> Prefix:
    """An allocated prefix by id or by its CIDR."""
    if isinstance(ref, int) or str(ref).isdigit():
        where = prefixes.c.id == int(ref)
    else:
        where = prefixes.c.cidr == str(_network(str(ref), "prefix"))
    row = (await conn.execute(select(prefixes).where(where))).first()
    if row is None:
        raise NotFound(f"no allocated prefix {ref}")
    return Prefix(row.id, row.pool_id, row.enterprise_id, row.cidr, from_key(row.first), from_key(row.last))


async def release_prefix(conn: AsyncConnection, ref: str | int) -> Prefix:
    """Give a prefix back to its pool; refused while cards hold static addresses in it."""
    prefix = await find_prefix(conn, ref)
    await conn.execute(select(pools.c.id).where(pools.c.id == prefix.pool_id).with_for_update())
    if (await conn.execute(select(prefixes.c.id).where(prefixes.c.id == prefix.id).with_for_update())).first() is None:
        raise NotFound(f"no allocated prefix {ref}")
    used = (await conn.execute(select(func.count()).select_from(addresses)
                               .where(addresses.c.prefix_id == prefix.id))).scalar_one()
    if used:
        raise Conflict(f"prefix {prefix.cidr} still has {used} static addresses assigned to cards; "
                       "release them first", code="PREFIX_IN_USE")
    await conn.execute(delete(prefix_free).where(prefix_free.c.prefix_id == prefix.id))
    await conn.execute(delete(prefixes).where(prefixes.c.id == prefix.id))
    await poolfree.give(conn, prefix.pool_id, prefix.first, prefix.last)
    return prefix
