"""Ops API: purchase orders (bulk card issuance).

An order is recorded and answered at once (202); the background workers of the
`carrier serve` processes issue it chunk by chunk, and GET shows its progress.
"""

from __future__ import annotations

from aiohttp import web

from carrier_gateway.api import card_models as m
from carrier_gateway.api.ops_enterprises import READERS, actor
from carrier_gateway.appkeys import DB
from carrier_gateway.background import ORDERS, WORKERS
from carrier_gateway.jsonio import json_response
from carrier_gateway.routing import Call, Router
from provisioning.cards import issuance, orders

router = Router("ops: cards")
ORDER = "/ops/v1/orders/{order_id:\\d+}"
_ORDER = {"order_id": 1, "enterprise_id": 1, "usage": "TBOX", "static_ip": False, "count": 10000,
          "issued": 10000, "chunk_size": 10000, "status": "COMPLETE", "first_iccid": "89860400000000000015",
          "last_iccid": "89860400000000100005", "created_by": "ops:1", "created_at": "2026-11-28T08:00:00Z",
          "completed_at": "2026-11-28T08:00:01Z", "stopped_reason": None}
#: as answered when placed: recorded, its ICCID range reserved, no card issued yet
_PLACED = {**_ORDER, "issued": 0, "status": "OPEN", "completed_at": None}


@router.post("/ops/v1/orders", summary="Place an order of N cards; issued in the background",
             description="Validates the order, reserves its ICCID and IMSI ranges and answers 202 at once with the "
                         "order (status OPEN, issued 0) and its Location. The background workers of the `carrier "
                         "serve` processes then issue it one chunk (one transaction) at a time, open orders taking "
                         "turns; follow GET /ops/v1/orders/{order_id} until COMPLETE. If numbers or addresses run "
                         "out the order is STOPPED with stopped_reason: add resources, then POST "
                         "/ops/v1/orders/{order_id}/resume. chunk_size is 100 to 50,000.",
             auth="ops", roles={"ops"}, body=m.OrderIn, response=m.OrderOut, status=202, errors=(403, 404, 409),
             response_example=_PLACED)
async def ops_create_order(request: web.Request, call: Call) -> web.Response:
    body: m.OrderIn = call.body
    async with request.app[DB].write() as conn:
        order = await issuance.create_order(conn, body.enterprise_id, body.count, body.usage, actor=actor(call),
                                            static_ip=body.static_ip, chunk_size=body.chunk_size)
    return _accepted(request, order)


@router.post(ORDER + "/resume", summary="Resume a STOPPED order (after adding numbers or addresses)",
             description="The order becomes OPEN again and the background workers continue it from its last "
                         "committed chunk; 202 with the order. An OPEN order is left as it is; a COMPLETE one is "
                         "409 ORDER_COMPLETE.",
             auth="ops", roles={"ops"}, response=m.OrderOut, status=202, errors=(404, 409),
             response_example={**_ORDER, "issued": 1000, "status": "OPEN", "completed_at": None})
async def ops_resume_order(request: web.Request, call: Call) -> web.Response:
    async with request.app[DB].write() as conn:
        order = await orders.reopen_order(conn, int(request.match_info["order_id"]), actor=actor(call))
    return _accepted(request, order)


def _accepted(request: web.Request, order: orders.Order) -> web.Response:
    request.app[WORKERS].wake(ORDERS)
    return json_response(order.to_dict(), status=202, headers={"Location": f"/ops/v1/orders/{order.id}"})


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
