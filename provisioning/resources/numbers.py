"""MSISDN segments and the blocks given to enterprises (use cases over numbering.msisdn.segments)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.dbtypes import utcnow
from numbering.identifiers import profile
from numbering.msisdn import segments
from provisioning.enterprises.registry import get_enterprise
from provisioning.resources.events import Action, audit


async def buyer(conn: AsyncConnection, enterprise_id: int) -> None:
    """The enterprise exists (else 404 naming it) and may buy resources today."""
    enterprise = await get_enterprise(conn, enterprise_id)
    enterprise.check_may_buy(utcnow().date())


async def add_segment(conn: AsyncConnection, first: int, last: int, label: str, *, actor: str) -> dict[str, Any]:
    seg = await segments.add_segment(conn, first, last, label)
    await audit(conn, actor, Action.SEGMENT_ADDED, seg["id"], None, {"first": str(first), "last": str(last)})
    return seg


async def allocate_block(conn: AsyncConnection, enterprise_id: int, count: int, *, actor: str,
                         segment_id: int | None = None) -> segments.Block:
    await buyer(conn, enterprise_id)
    block = await segments.allocate_block(conn, enterprise_id, count, segment_id=segment_id)
    await audit(conn, actor, Action.BLOCK_ALLOCATED, block.id, enterprise_id,
                {"first": str(block.first), "last": str(block.last), "count": block.count})
    return block


async def release_block(conn: AsyncConnection, block: int, *, actor: str) -> segments.Block:
    """``block`` is a block id or the block's first number."""
    released = await segments.release_block(conn, block)
    await audit(conn, actor, Action.BLOCK_RELEASED, released.id, released.enterprise_id,
                {"first": str(released.first), "last": str(released.last)})
    return released


@dataclasses.dataclass(frozen=True)
class Quarantined:
    count: int
    until: dt.datetime
    days: int


async def quarantine_msisdns(conn: AsyncConnection, msisdns: Sequence[int], *, actor: str,
                             now: dt.datetime | None = None) -> Quarantined:
    now = now or utcnow()
    await segments.release_msisdns(conn, list(msisdns), now=now)
    days = (await profile.get_profile(conn)).quarantine_days
    await audit(conn, actor, Action.MSISDNS_QUARANTINED, msisdns[0], None, {"count": len(msisdns)})
    return Quarantined(len(msisdns), now + dt.timedelta(days=days), days)


async def set_cooling_off(conn: AsyncConnection, days: int, *, actor: str) -> profile.CarrierProfile:
    prof = await profile.set_quarantine_days(conn, days)
    await audit(conn, actor, Action.COOLING_OFF_SET, prof.key, None, {"quarantine_days": days})
    return prof
