"""Cards for the network tests: an enterprise whose APN has an IPv4 prefix (so cards
without a static address get a session address), its cards in any state."""

from __future__ import annotations

from sqlalchemy import select

from carrier_gateway.db import Database
from provisioning.cards import issuance, machine
from provisioning.cards.store import Card, get_card
from provisioning.cards.tables import cards
from tests.integration.provisioning.cardkit import put_in_state
from tests.integration.provisioning.factory import ACTOR, enterprise, stock

APN = "iov.test"  # the APN of the pool that factory.stock adds
#: an IMEISV whose IMEI (check digit recomputed) is cardkit.IMEI, and another device's
IMEISV = "3569380356438001"
OTHER_IMEISV = "4901542032375101"


async def cards_in(db: Database, *states: str, usage: str = "TBOX", static_ip: bool = False,
                   n: int = 1) -> list[Card]:
    """A fresh enterprise ``n`` (APN ``iov.test``, a /24 there) with one card per state given."""
    async with db.write() as conn:
        ent = await enterprise(conn, n, apn=APN)
        await stock(conn, ent.id, prefix_length=24)
    order = await issuance.issue_cards(db.write, ent.id, len(states), usage, actor=ACTOR, static_ip=static_ip)
    async with db.read() as conn:
        iccids = list((await conn.execute(select(cards.c.iccid).where(cards.c.order_id == order.id)
                                          .order_by(cards.c.iccid))).scalars())
    out = []
    for iccid, state in zip(iccids, states, strict=True):
        if state == "REJECTED":  # sold, then its registration rejected: PENDING without service
            await put_in_state(db, iccid, "PENDING")
            async with db.write() as conn:
                await machine.record_outcome(conn, iccid, "REJECTED", registration_id="reg-1", actor=ACTOR)
        elif state != "INVENTORY":
            await put_in_state(db, iccid, state)
        async with db.read() as conn:
            out.append(await get_card(conn, iccid=iccid))
    return out
