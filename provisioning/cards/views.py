"""A card as callers see it (the card shape of docs/oem-api.md#cards) and the per-service explanation."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.dbtypes import utcnow
from provisioning.cards import services
from provisioning.cards.states import CardState
from provisioning.cards.store import Card, get_card
from provisioning.enterprises.destinations import Destinations, load_destinations
from provisioning.enterprises.registry import get_enterprise
from provisioning.metering import octets


async def destinations_of(conn: AsyncConnection, enterprise_id: int) -> Destinations:
    ent = await get_enterprise(conn, enterprise_id)
    return await load_destinations(conn, enterprise_id, ent.apn)


async def card_services(conn: AsyncConnection, card: Card) -> dict[str, services.Grant]:
    """The card's effective services (default deny), from its state, real-name status,
    usage ceiling and its enterprise's registered destinations."""
    dest = await destinations_of(conn, card.enterprise_id)
    capped = services.data_cap_mb(card.usage, card.state) is not None
    since = octets.period_start(card.state == CardState.TEST, card.state_changed_at, utcnow())
    used = await octets.used_mb(conn, card.iccid, since) if capped else None  # accounted data against the cap
    return services.effective_services(card.usage, card.state, card.real_name_status, dest, used)


def card_dict(card: Card, grants: dict[str, services.Grant]) -> dict[str, Any]:
    return {"iccid": card.iccid, "imsi": card.imsi, "msisdn": card.msisdn, "static_ip": card.static_ip,
            "usage": card.usage, "state": card.state, "real_name_status": card.real_name_status,
            "services": services.summary(grants), "enterprise_id": card.enterprise_id,
            "order_id": card.order_id, "registration_id": card.registration_id,
            "suspension_cause": card.suspension_cause, "imei_bound": card.imei is not None,
            "state_changed_at": card.state_changed_at, "created_at": card.created_at}


async def card_view(conn: AsyncConnection, iccid: str, *, enterprise_id: int | None = None) -> dict[str, Any]:
    card = await get_card(conn, iccid=iccid, enterprise_id=enterprise_id)
    return card_dict(card, await card_services(conn, card))


async def explain(conn: AsyncConnection, iccid: str, *, enterprise_id: int | None = None) -> dict[str, Any]:
    """What the card may do, per service, and which rule limits each."""
    card = await get_card(conn, iccid=iccid, enterprise_id=enterprise_id)
    grants = await card_services(conn, card)
    return {"iccid": card.iccid, "usage": card.usage, "state": card.state,
            "real_name_status": card.real_name_status, "ceiling": services.CEILINGS[card.usage],
            "services": [g.to_dict() for g in grants.values()]}


async def card_dicts(conn: AsyncConnection, found: list[Card]) -> list[dict[str, Any]]:
    """Many cards with their services (destinations read once per enterprise)."""
    dest: dict[int, Destinations] = {}
    now = utcnow()
    used = await octets.used_mb_many(conn, {
        c.iccid: octets.period_start(c.state == CardState.TEST, c.state_changed_at, now)
        for c in found if services.data_cap_mb(c.usage, c.state) is not None})
    out = []
    for card in found:
        if card.enterprise_id not in dest:
            dest[card.enterprise_id] = await destinations_of(conn, card.enterprise_id)
        grants = services.effective_services(card.usage, card.state, card.real_name_status, dest[card.enterprise_id],
                                             used.get(card.iccid))
        out.append(card_dict(card, grants))
    return out
