"""OEM API: the enterprise's cards with their real-name status and effective services."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from carrier_gateway.api.oem_models import CARD_EXAMPLE, CardOut, CardPage, CardQuery
from carrier_gateway.appkeys import DB
from carrier_gateway.jsonio import json_response
from carrier_gateway.routing import Call, Router
from provisioning.cards import services
from provisioning.cards.store import Card, get_card, list_cards
from provisioning.cards.views import destinations_of

router = Router("OEM: cards")
_FIELDS = ("iccid", "imsi", "msisdn", "static_ip", "usage", "state", "real_name_status")


def _out(card: Card, grants: dict[str, services.Grant]) -> dict[str, Any]:
    return {**{f: getattr(card, f) for f in _FIELDS}, "services": services.summary(grants)}


def _enterprise(call: Call) -> int:
    assert call.principal is not None and call.principal.enterprise_id is not None
    return call.principal.enterprise_id


@router.get("/v1/cards/{iccid}", summary="One card: state, MSISDN, usage, effective services, real-name status",
            auth="oem", response=CardOut, errors=(404,), response_example=CARD_EXAMPLE)
async def get_oem_card(request: web.Request, call: Call) -> web.Response:
    enterprise_id = _enterprise(call)
    async with request.app[DB].read() as conn:
        card = await get_card(conn, iccid=request.match_info["iccid"], enterprise_id=enterprise_id)
        dest = await destinations_of(conn, enterprise_id)
    grants = services.effective_services(card.usage, card.state, card.real_name_status, dest)
    return json_response(_out(card, grants))


@router.get("/v1/cards", summary="The enterprise's cards, cursor-paginated (limit at most 500)", auth="oem",
            query=CardQuery, response=CardPage,
            response_example={"items": [CARD_EXAMPLE], "next_cursor": "89860400000000000015"})
async def list_oem_cards(request: web.Request, call: Call) -> web.Response:
    enterprise_id, q = _enterprise(call), call.query
    async with request.app[DB].read() as conn:
        page = await list_cards(conn, enterprise_id=enterprise_id, state=q.state, cursor=q.cursor, limit=q.limit)
        dest = await destinations_of(conn, enterprise_id)
    items = [_out(c, services.effective_services(c.usage, c.state, c.real_name_status, dest)) for c in page.items]
    return json_response(page.with_items(items).to_dict())
