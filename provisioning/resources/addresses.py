"""IP pools, the prefixes given to enterprises and static addresses (use cases over
numbering.ip.pools)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.ip import pools
from provisioning.resources.events import Action, audit
from provisioning.resources.numbers import buyer


async def add_pool(conn: AsyncConnection, cidr: str, apn: str, label: str, *, actor: str) -> dict[str, Any]:
    pool = await pools.add_pool(conn, cidr, apn, label)
    await audit(conn, actor, Action.POOL_ADDED, pool["id"], None, {"cidr": pool["cidr"], "apn": pool["apn"]})
    return pool


async def allocate_prefix(conn: AsyncConnection, enterprise_id: int, prefix_length: int, *, actor: str,
                          apn: str | None = None, pool_id: int | None = None) -> pools.Prefix:
    await buyer(conn, enterprise_id)
    prefix = await pools.allocate_prefix(conn, enterprise_id, prefix_length, apn=apn, pool_id=pool_id)
    await audit(conn, actor, Action.PREFIX_ALLOCATED, prefix.id, enterprise_id,
                {"prefix": prefix.cidr, "pool_id": prefix.pool_id})
    return prefix


async def release_prefix(conn: AsyncConnection, prefix: int | str, *, actor: str) -> pools.Prefix:
    """``prefix`` is a prefix id or its CIDR."""
    released = await pools.release_prefix(conn, prefix)
    await audit(conn, actor, Action.PREFIX_RELEASED, released.id, released.enterprise_id, {"prefix": released.cidr})
    return released


async def release_addresses(conn: AsyncConnection, addresses: Sequence[str], *, actor: str) -> int:
    await pools.release_addresses(conn, list(addresses))
    await audit(conn, actor, Action.ADDRESSES_RELEASED, addresses[0], None, {"count": len(addresses)})
    return len(addresses)
