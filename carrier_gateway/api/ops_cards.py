"""Ops API: cards, their services explained, lifecycle transitions and history."""

from __future__ import annotations

from aiohttp import web

from carrier_gateway.api import card_models as m
from carrier_gateway.api.ops_enterprises import READERS, actor
from carrier_gateway.appkeys import DB
from carrier_gateway.jsonio import json_response
from carrier_gateway.routing import Call, Router
from provisioning.cards import lifecycle, store, views

router = Router("ops: cards")
C = "/ops/v1/cards/{iccid:[0-9A-Za-z]+}"
_SERVICES = {"data": {"allowed": True, "scope": "PLATFORMS"}, "sms": {"allowed": True, "scope": "MT_SHORT_CODES"},
             "voice": {"allowed": False, "scope": "NONE"}}
_CARD = {"iccid": "89860400000000000015", "imsi": "460040000000001", "msisdn": "1440000000000",
         "static_ip": None, "usage": "TBOX", "state": "ACTIVE", "real_name_status": "VERIFIED",
         "services": _SERVICES, "enterprise_id": 1, "order_id": 1, "registration_id": "r1a1f6ae99006eb6ad33e6",
         "suspension_cause": None, "imei_bound": True, "state_changed_at": "2026-11-20T02:00:01.204518Z",
         "created_at": "2026-11-02T08:00:00Z"}
#: the same card earlier, moved to TEST for the factory's end-of-line test
_IN_TEST = {**_CARD, "state": "TEST", "real_name_status": "NONE", "registration_id": None, "imei_bound": False,
            "services": {**_SERVICES, "data": {"allowed": True, "scope": "TEST_APN", "cap_mb": 50},
                         "sms": {"allowed": False, "scope": "NONE"}},
            "state_changed_at": "2026-11-05T06:30:00Z"}
_VERIFIER = "verifier:carrier-gw-1:4127"


def iccid(request: web.Request) -> str:
    return request.match_info["iccid"].upper()


@router.get("/ops/v1/cards", summary="List cards (cursor pagination, at most 500 a page)", auth="ops",
            roles=READERS, query=m.CardQuery, response=m.CardList,
            response_example={"items": [_CARD], "next_cursor": "89860400000000000015"})
async def ops_list_cards(request: web.Request, call: Call) -> web.Response:
    q: m.CardQuery = call.query
    async with request.app[DB].read() as conn:
        page = await store.list_cards(conn, enterprise_id=q.enterprise_id, state=q.state, usage=q.usage,
                                      cursor=q.cursor, limit=q.limit)
        items = await views.card_dicts(conn, page.items)
    return json_response(page.with_items(items).to_dict())


@router.get(C, summary="One card with its effective services", auth="ops", roles=READERS, response=m.CardOut,
            errors=(404,), response_example=_CARD)
async def ops_get_card(request: web.Request, call: Call) -> web.Response:
    async with request.app[DB].read() as conn:
        return json_response(await views.card_view(conn, iccid(request)))


@router.get(C + "/explain", summary="Per service: what the card may do and which rule limits it", auth="ops",
            roles=READERS, response=m.Explanation, errors=(404,), response_example={
                "iccid": "89860400000000000015", "usage": "TBOX", "state": "TEST", "real_name_status": "NONE",
                "ceiling": {"data": "PLATFORMS", "sms": "MT_SHORT_CODES", "voice": "NONE"},
                "services": [{"service": "data", "allowed": True, "scope": "TEST_APN", "rule": "FACTORY_TEST",
                              "reason": "factory test: data through APN iov-e1.carrier to the enterprise's "
                                        "platform prefixes, capped at 50 MB",
                              "destinations": ["203.0.113.0/24"], "cap_mb": 50}]})
async def ops_explain_card(request: web.Request, call: Call) -> web.Response:
    async with request.app[DB].read() as conn:
        return json_response(await views.explain(conn, iccid(request)))


@router.get(C + "/history", summary="Every lifecycle transition: who, when, why", auth="ops",
            roles={"ops", "auditor", "regulator"}, response=m.HistoryList, errors=(404,),
            response_example={"items": [
                {"at": "2026-11-05T06:30:00Z", "from_state": "INVENTORY", "to_state": "TEST", "actor": "ops:1",
                 "reason": "factory line 3 end-of-line test"},
                {"at": "2026-11-20T02:00:01.204518Z", "from_state": "TEST", "to_state": "PENDING",
                 "actor": _VERIFIER, "reason": "sold: registration r1a1f6ae99006eb6ad33e6 received"},
                {"at": "2026-11-20T02:00:01.204518Z", "from_state": "PENDING", "to_state": "ACTIVE",
                 "actor": _VERIFIER, "reason": "registration r1a1f6ae99006eb6ad33e6 verified"}]})
async def ops_card_history(request: web.Request, call: Call) -> web.Response:
    async with request.app[DB].read() as conn:
        items = await store.history(conn, iccid(request))
    return json_response({"items": [h.to_dict() for h in items]})


@router.post(C + "/transitions", summary="Move a card to another state (checked against the transition table)",
             description="INVENTORY <-> TEST, INVENTORY/TEST -> PENDING, PENDING -> ACTIVE (needs a VERIFIED "
                         "registration), ACTIVE -> SUSPENDED, SUSPENDED -> ACTIVE (ops suspensions only), any -> "
                         "TERMINATED (number to quarantine, static IP released). An illegal move is a 409 "
                         "CARD_STATE_CONFLICT naming the current state.",
             auth="ops", roles={"ops"}, body=m.TransitionIn, response=m.CardOut, errors=(404, 409),
             response_example=_IN_TEST)
async def ops_transition_card(request: web.Request, call: Call) -> web.Response:
    body: m.TransitionIn = call.body
    async with request.app[DB].write() as conn:
        card = await lifecycle.transition(conn, iccid(request), body.to, actor=actor(call), reason=body.reason)
        return json_response(views.card_dict(card, await views.card_services(conn, card)))
