"""The audit vocabulary of number resources: one place names every action."""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from provisioning.audit.trail import Event, record


class Action(enum.StrEnum):
    SEGMENT_ADDED = "segment.added"
    BLOCK_ALLOCATED = "block.allocated"
    BLOCK_RELEASED = "block.released"
    MSISDNS_QUARANTINED = "msisdn.quarantined"
    COOLING_OFF_SET = "numbering.cooling_off"
    POOL_ADDED = "pool.added"
    PREFIX_ALLOCATED = "prefix.allocated"
    PREFIX_RELEASED = "prefix.released"
    ADDRESSES_RELEASED = "address.released"


#: the kind of object each action is about
_KIND = {
    Action.SEGMENT_ADDED: "number_segment", Action.BLOCK_ALLOCATED: "number_block",
    Action.BLOCK_RELEASED: "number_block", Action.MSISDNS_QUARANTINED: "msisdn",
    Action.COOLING_OFF_SET: "carrier_profile", Action.POOL_ADDED: "ip_pool", Action.PREFIX_ALLOCATED: "ip_prefix",
    Action.PREFIX_RELEASED: "ip_prefix", Action.ADDRESSES_RELEASED: "ip_address",
}


async def audit(conn: AsyncConnection, actor: str, action: Action, object_id: object, enterprise_id: int | None,
                detail: dict[str, Any]) -> None:
    await record(conn, Event(actor, str(action), _KIND[action], str(object_id), enterprise_id, detail))
