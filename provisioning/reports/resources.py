"""MSISDN and static-IP utilisation per enterprise, from numbering's own usage
functions (one call over all blocks, one over all prefixes: blocks and prefixes are
few, cards are not)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.ip.pool_usage import prefix_usage
from numbering.msisdn.usage import block_usage
from numbering.sqlutil import as_int
from numbering.tables import quarantine
from provisioning.reports.model import IpUse, NumberUse


async def number_use(conn: AsyncConnection) -> dict[int, NumberUse]:
    """Like ``numbering.msisdn.usage.enterprise_usage`` for every enterprise at once:
    ``quarantined`` also counts numbers of blocks given back that are still cooling off."""
    out: dict[int, NumberUse] = {}
    for block in await block_usage(conn):
        use = out.setdefault(block["enterprise_id"], NumberUse())
        use.blocks += 1
        use.allocated += block["count"]
        use.free += block["free"]
        use.assigned += block["assigned"]
    cooling = await conn.execute(select(quarantine.c.enterprise_id, func.sum(quarantine.c.size))
                                 .group_by(quarantine.c.enterprise_id))
    for enterprise_id, size in cooling:
        out.setdefault(enterprise_id, NumberUse()).quarantined = as_int(size)
    return out


async def ip_use(conn: AsyncConnection) -> dict[int, IpUse]:
    out: dict[int, IpUse] = {}
    for prefix in await prefix_usage(conn):
        use = out.setdefault(prefix["enterprise_id"], IpUse())
        use.prefixes.append(prefix["prefix"])
        use.usable += int(prefix["usable"])
        use.assigned += int(prefix["assigned"])
    return out
