"""Ops API: purchase orders (bulk card issuance)."""

from __future__ import annotations

from aiohttp import web

from carrier_gateway.api import card_models as m
from carrier_gateway.api.ops_enterprises import READERS, actor
from carrier_gateway.appkeys import DB
from carrier_gateway.jsonio import json_response
from carrier_gateway.routing import Call, Router
from provisioning.cards import issuance, orders

router = Router("ops: cards")
ORDER = "/ops/v1/orders/{order_id:\\d+}"
_ORDER = {"order_id": 1, "enterprise_id": 1, "usage": "TBOX", "static_ip": False, "count": 10000,
          "issued": 10000, "chunk_size": 10000, "status": "COMPLETE", "first_iccid": "89860400000000000015",
          "last_iccid": "89860400000000100005", "created_by": "ops:1", "created_at": "2026-11-28T08:00:00Z",
          "completed_at": "2026-11-28T08:00:01Z"}


@router.post("/ops/v1/orders", summary="Issue cards: an order of N cards, one transaction per chunk",
             description="Issues the whole order before answering. If it stops (numbers or addresses run out, "
                         "the connection drops) the order stays OPEN with its progress; resume it with "
                         "POST /ops/v1/orders/{order_id}/resume. Very large orders are better run with "
                         "`carrier cards issue`, which shows progress.",
             auth="ops", roles={"ops"}, body=m.OrderIn, response=m.OrderOut, status=201, errors=(403, 404, 409),
             response_example=_ORDER)
async def ops_create_order(request: web.Request, call: Call) -> web.Response:
    body: m.OrderIn = call.body
    db = request.app[DB]
    async with db.write() as conn:
        order = await issuance.create_order(conn, body.enterprise_id, body.count, body.usage, actor=actor(call),
                                            static_ip=body.static_ip, chunk_size=body.chunk_size)
    order = await issuance.run_order(db.write, order.id, actor=actor(call))
    return json_response(order.to_dict(), status=201)


@router.post(ORDER + "/resume", summary="Continue an interrupted order from its last committed chunk", auth="ops",
             roles={"ops"}, response=m.OrderOut, errors=(404, 409), response_example=_ORDER)
async def ops_resume_order(request: web.Request, call: Call) -> web.Response:
    order = await issuance.run_order(request.app[DB].write, int(request.match_info["order_id"]), actor=actor(call))
    return json_response(order.to_dict())


@router.get(ORDER, summary="One order and its progress", auth="ops", roles=READERS, response=m.OrderOut,
            errors=(404,), response_example=_ORDER)
async def ops_get_order(request: web.Request, call: Call) -> web.Response:
    async with request.app[DB].read() as conn:
        order = await orders.get_order(conn, int(request.match_info["order_id"]))
    return json_response(order.to_dict())


@router.get("/ops/v1/orders", summary="Recent orders (newest first)", auth="ops", roles=READERS,
            query=m.OrderQuery, response=m.OrderList, response_example={"items": [_ORDER]})
async def ops_list_orders(request: web.Request, call: Call) -> web.Response:
    q: m.OrderQuery = call.query
    async with request.app[DB].read() as conn:
        items = await orders.list_orders(conn, enterprise_id=q.enterprise_id, status=q.status)
    return json_response({"items": [o.to_dict() for o in items]})
