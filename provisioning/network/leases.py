"""Session addresses for cards without a static one: one address per card while it is
attached, taken from its enterprise's prefix on the APN (lowest free first, through
the numbering package, so a leased address is as taken as a static one) and given
back when the session stops or its gateway restarts."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.ip.addresses import assign_addresses, release_addresses
from numbering.sqlutil import chunked
from provisioning.cards.store import Card
from provisioning.network.tables import leases


async def held(conn: AsyncConnection, iccid: str) -> str | None:
    return (await conn.execute(select(leases.c.address).where(leases.c.iccid == iccid))).scalar()


async def take(conn: AsyncConnection, card: Card, apn: str) -> str:
    """A new lease; ``numbering.errors.Exhausted`` when the enterprise has no free address on ``apn``."""
    [address] = await assign_addresses(conn, card.enterprise_id, 1, apn=apn)
    await conn.execute(insert(leases).values(iccid=card.iccid, enterprise_id=card.enterprise_id, apn=apn,
                                             address=address))
    return address


async def release(conn: AsyncConnection, pairs: Sequence[tuple[str, str | None]]) -> int:
    """Give back the leases of ``(iccid, address)`` pairs, where the card still holds that
    address (a session of a card with a static address, or whose lease already went, is skipped)."""
    wanted = {(iccid, address) for iccid, address in pairs if address}
    if not wanted:
        return 0
    gone: list[tuple[str, str]] = []
    for part in chunked(sorted({i for i, _ in wanted})):
        rows = await conn.execute(select(leases.c.iccid, leases.c.address).where(leases.c.iccid.in_(part)))
        gone += [(r.iccid, r.address) for r in rows if (r.iccid, r.address) in wanted]
    for part in chunked(gone):
        await conn.execute(delete(leases).where(leases.c.iccid.in_([i for i, _ in part])))
    if gone:
        await release_addresses(conn, [a for _, a in gone])
    return len(gone)
