"""Purchase orders: the row that tracks a bulk issuance and makes it resumable.

An order is OPEN while cards remain to issue (any process may issue its next chunk),
STOPPED when numbers or addresses ran out (``stopped_reason`` says which; resuming
reopens it) and COMPLETE when every card is issued.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from provisioning.audit.trail import Event, record
from provisioning.cards.errors import OrderComplete, OrderNotFound
from provisioning.cards.tables import card_orders

STATUSES = ("OPEN", "STOPPED", "COMPLETE")


@dataclasses.dataclass(frozen=True)
class Order:
    id: int
    enterprise_id: int
    usage: str
    static_ip: bool
    count: int
    issued: int
    chunk_size: int
    status: str
    iccid_serial: int
    imsi_serial: int
    first_iccid: str
    last_iccid: str
    created_by: str
    created_at: dt.datetime
    completed_at: dt.datetime | None
    stopped_reason: str | None

    @property
    def complete(self) -> bool:
        return self.issued >= self.count

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        del out["iccid_serial"], out["imsi_serial"]
        out["order_id"] = out.pop("id")
        return out


_FIELDS = tuple(f.name for f in dataclasses.fields(Order))


def order_from_row(row: Any) -> Order:
    return Order(**{name: getattr(row, name) for name in _FIELDS})


async def get_order(conn: AsyncConnection, order_id: int, *, for_update: bool = False,
                    enterprise_id: int | None = None) -> Order:
    query = select(card_orders).where(card_orders.c.id == order_id)
    if enterprise_id is not None:
        query = query.where(card_orders.c.enterprise_id == enterprise_id)
    if for_update:
        query = query.with_for_update()
    row = (await conn.execute(query)).first()
    if row is None:
        raise OrderNotFound(order_id)
    return order_from_row(row)


async def list_orders(conn: AsyncConnection, *, enterprise_id: int | None = None,
                      status: str | tuple[str, ...] | None = None, limit: int = 100) -> list[Order]:
    query = select(card_orders).order_by(card_orders.c.id.desc()).limit(limit)
    if enterprise_id is not None:
        query = query.where(card_orders.c.enterprise_id == enterprise_id)
    if status:
        query = query.where(card_orders.c.status.in_((status,) if isinstance(status, str) else status))
    return [order_from_row(r) for r in await conn.execute(query)]


async def claim_open(conn: AsyncConnection, *, after: int = 0) -> Order | None:
    """The first OPEN order with an id above ``after`` (else the first OPEN order at all),
    locked for this transaction. Taking orders in turn by id lets every open order move
    a chunk at a time, so a small order never waits behind a big one. On PostgreSQL an
    order another process is issuing right now is skipped (FOR UPDATE SKIP LOCKED); on
    SQLite the write transaction is already exclusive."""
    for lower in dict.fromkeys((after, 0)):
        row = (await conn.execute(
            select(card_orders).where(card_orders.c.status == "OPEN", card_orders.c.id > lower)
            .order_by(card_orders.c.id).limit(1).with_for_update(skip_locked=True))).first()
        if row is not None:
            return order_from_row(row)
    return None


async def stop_order(conn: AsyncConnection, order_id: int, reason: str, *, actor: str) -> Order:
    """Mark an OPEN order STOPPED with why (it waits for resources and a resume)."""
    stopped = (await conn.execute(update(card_orders).where(
        card_orders.c.id == order_id, card_orders.c.status == "OPEN",
    ).values(status="STOPPED", stopped_reason=reason).returning(card_orders.c.enterprise_id))).first()
    if stopped is not None:
        await record(conn, Event(actor, "order.stopped", "order", order_id, stopped.enterprise_id, {"reason": reason}))
    return await get_order(conn, order_id)


async def reopen_order(conn: AsyncConnection, order_id: int, *, actor: str) -> Order:
    """Resume: a STOPPED order becomes OPEN again (an OPEN one is left as it is);
    OrderComplete when there is nothing left to issue."""
    order = await get_order(conn, order_id, for_update=True)
    if order.status == "COMPLETE":
        raise OrderComplete(f"order {order_id} is complete ({order.issued:,} cards)", params={"order": order_id})
    if order.status == "STOPPED":
        await conn.execute(update(card_orders).where(card_orders.c.id == order_id)
                           .values(status="OPEN", stopped_reason=None))
        await record(conn, Event(actor, "order.resumed", "order", order_id, order.enterprise_id,
                                 {"issued": order.issued, "of": order.count}))
        order = await get_order(conn, order_id)
    return order
