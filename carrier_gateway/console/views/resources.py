"""Numbers and IPs: segments and pools with their utilisation, the enterprises' blocks
and prefixes, and allocating one of each (the use cases of provisioning.resources, which
check the enterprise and audit, as on the API)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from carrier_gateway.api.pools import AllocateIn as PrefixIn
from carrier_gateway.api.segments import AllocateIn as BlockIn
from carrier_gateway.appkeys import DB
from carrier_gateway.console.charts import utilisation_charts
from carrier_gateway.console.forms import FormErrors, submit
from carrier_gateway.console.i18n import _
from carrier_gateway.console.pages import form_of, page, redirect, render, session_of
from numbering.ip import pool_usage
from numbering.msisdn import usage
from provisioning.enterprises.registry import list_enterprises
from provisioning.resources import addresses, numbers


async def _context(request: web.Request) -> dict[str, Any]:
    async with request.config_dict[DB].read() as conn:
        segments = await usage.segment_usage(conn)
        pools = await pool_usage.pool_usage(conn)
        return {"segments": segments, "pools": pools, "blocks": await usage.block_usage(conn),
                "prefixes": await pool_usage.prefix_usage(conn),
                "enterprises": [(e.id, f"{e.id} · {e.name}") for e in await list_enterprises(conn)],
                "segment_options": [(s["id"], f"{s['id']}: {s['first']}–{s['last']}") for s in segments],
                "charts": utilisation_charts(segments, pools), "errors": {}, "values": {}, "form": None}


@page("GET", "/resources", action="blocks.read")
async def resources(request: web.Request) -> web.StreamResponse:
    return render(request, "resources.html", await _context(request))


async def _refused(request: web.Request, which: str, errors: FormErrors) -> web.Response:
    context = await _context(request)
    context.update(errors=errors.as_dict(), values=form_of(request), form=which)
    return render(request, "resources.html", context, status=errors.status)


@page("POST", "/blocks", action="blocks.allocate")
async def allocate_block(request: web.Request) -> web.StreamResponse:
    async def act(body: BlockIn) -> Any:
        async with request.config_dict[DB].write() as conn:
            return await numbers.allocate_block(conn, body.enterprise_id, body.count, segment_id=body.segment_id,
                                                actor=session_of(request).actor)

    try:
        block = await submit(BlockIn, form_of(request), act)
    except FormErrors as errors:
        return await _refused(request, "block", errors)
    raise redirect(request, f"/console/enterprises/{block.enterprise_id}",
                   _("Numbers %(first)s to %(last)s (%(count)s) allocated to enterprise %(e)s.",
                     first=block.first, last=block.last, count=f"{block.count:,}", e=block.enterprise_id))


@page("POST", "/prefixes", action="prefixes.allocate")
async def allocate_prefix(request: web.Request) -> web.StreamResponse:
    async def act(body: PrefixIn) -> Any:
        async with request.config_dict[DB].write() as conn:
            return await addresses.allocate_prefix(conn, body.enterprise_id, body.prefix_length, apn=body.apn,
                                                   pool_id=body.pool_id, actor=session_of(request).actor)

    try:
        prefix = await submit(PrefixIn, form_of(request), act)
    except FormErrors as errors:
        return await _refused(request, "prefix", errors)
    raise redirect(request, f"/console/enterprises/{prefix.enterprise_id}",
                   _("Prefix %(cidr)s allocated to enterprise %(e)s.", cidr=prefix.cidr, e=prefix.enterprise_id))
