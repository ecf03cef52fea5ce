"""Card orders: place one (it runs in the background, chunk by chunk, in the `carrier
serve` workers), follow its progress, resume a STOPPED one."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from carrier_gateway.api.card_models import OrderIn
from carrier_gateway.appkeys import DB
from carrier_gateway.background import ORDERS, WORKERS
from carrier_gateway.console.forms import FormErrors, submit
from carrier_gateway.console.i18n import _
from carrier_gateway.console.pages import form_of, page, redirect, render, session_of
from provisioning.cards import issuance, orders
from provisioning.cards.states import USAGES
from provisioning.enterprises.registry import list_enterprises

#: while an order runs its page reloads itself this often (a meta refresh: no script)
REFRESH_SECONDS = 2


async def _context(request: web.Request) -> dict[str, Any]:
    async with request.config_dict[DB].read() as conn:
        return {"orders": await orders.list_orders(conn, limit=100),
                "enterprises": [(e.id, f"{e.id} · {e.name}") for e in await list_enterprises(conn)],
                "usages": [(u, u) for u in USAGES], "errors": {}, "values": {}}


@page("GET", "/orders", action="orders.read")
async def order_list(request: web.Request) -> web.StreamResponse:
    return render(request, "orders.html", await _context(request))


def _wake(request: web.Request) -> None:
    workers = request.config_dict.get(WORKERS)
    if workers is not None:
        workers.wake(ORDERS)


@page("POST", "/orders", action="orders.create")
async def place_order(request: web.Request) -> web.StreamResponse:
    form = form_of(request)

    async def act(body: OrderIn) -> orders.Order:
        async with request.config_dict[DB].write() as conn:
            return await issuance.create_order(conn, body.enterprise_id, body.count, body.usage,
                                               actor=session_of(request).actor, static_ip=body.static_ip,
                                               chunk_size=body.chunk_size)

    try:
        # an unticked checkbox sends nothing: that is "no"
        order = await submit(OrderIn, {**form, "static_ip": "true" if form.get("static_ip") else "false"}, act)
    except FormErrors as errors:
        context = await _context(request)
        context.update(errors=errors.as_dict(), values=form)
        return render(request, "orders.html", context, status=errors.status)
    _wake(request)
    raise redirect(request, f"/console/orders/{order.id}",
                   _("Order %(id)s placed: %(count)s cards, issued in the background.", id=order.id,
                     count=f"{order.count:,}"))


@page("GET", "/orders/{order_id:\\d{1,10}}", action="orders.read")
async def order_page(request: web.Request) -> web.StreamResponse:
    async with request.config_dict[DB].read() as conn:
        order = await orders.get_order(conn, int(request.match_info["order_id"]))
    return render(request, "order.html", {"order": order, "refresh": REFRESH_SECONDS if order.status == "OPEN"
                                          else None})


@page("POST", "/orders/{order_id:\\d{1,10}}/resume", action="orders.resume")
async def resume_order(request: web.Request) -> web.StreamResponse:
    async with request.config_dict[DB].write() as conn:
        order = await orders.reopen_order(conn, int(request.match_info["order_id"]), actor=session_of(request).actor)
    _wake(request)
    raise redirect(request, f"/console/orders/{order.id}", _("Order %(id)s resumed.", id=order.id))
