"""Cards in any state, for the lifecycle and authorize tests."""

from __future__ import annotations

from sqlalchemy import select

from carrier_gateway.db import Database
from provisioning.cards import issuance, lifecycle, machine
from provisioning.cards.store import Card, get_card
from provisioning.cards.tables import cards
from tests.integration.provisioning.factory import ACTOR, enterprise, stock

IMEI = "356938035643809"
OTHER_IMEI = "490154203237518"


async def issued(db: Database, usage: str = "TBOX", count: int = 1, *, static_ip: bool = False) -> list[str]:
    """A fresh enterprise with destinations, and ``count`` cards in INVENTORY."""
    async with db.write() as conn:
        ent = await enterprise(conn)
        await stock(conn, ent.id, prefix_length=24 if static_ip else None)
    order = await issuance.issue_cards(db.write, ent.id, count, usage, actor=ACTOR, static_ip=static_ip)
    async with db.read() as conn:
        rows = await conn.execute(select(cards.c.iccid).where(cards.c.order_id == order.id).order_by(cards.c.iccid))
        return list(rows.scalars())


async def put_in_state(db: Database, iccid: str, state: str) -> Card:
    """Drive a card from INVENTORY to ``state`` through the public lifecycle functions."""
    async with db.write() as conn:
        if state == "TEST":
            await lifecycle.transition(conn, iccid, "TEST", actor=ACTOR, reason="factory test")
        elif state == "PENDING":
            await machine.record_outcome(conn, iccid, "PENDING", registration_id="reg-1", actor=ACTOR)
        elif state in ("ACTIVE", "SUSPENDED"):
            await machine.record_outcome(conn, iccid, "VERIFIED", registration_id="reg-1", actor=ACTOR)
            if state == "SUSPENDED":
                await lifecycle.suspend(conn, iccid, cause="OPS", actor=ACTOR, reason="fraud check")
        elif state == "TERMINATED":
            await lifecycle.transition(conn, iccid, "TERMINATED", actor=ACTOR, reason="contract ended")
        return await get_card(conn, iccid=iccid)
