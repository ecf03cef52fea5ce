"""Purchase orders: the row that tracks a bulk issuance and makes it resumable."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from provisioning.cards.errors import OrderNotFound
from provisioning.cards.tables import card_orders


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
                      status: str | None = None, limit: int = 100) -> list[Order]:
    query = select(card_orders).order_by(card_orders.c.id.desc()).limit(limit)
    if enterprise_id is not None:
        query = query.where(card_orders.c.enterprise_id == enterprise_id)
    if status:
        query = query.where(card_orders.c.status == status)
    return [order_from_row(r) for r in await conn.execute(query)]
