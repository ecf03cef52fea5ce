"""Ops API: purchasing enterprises and their registered destinations."""

from __future__ import annotations

from aiohttp import web

from carrier_gateway.api import enterprise_models as m
from carrier_gateway.appkeys import DB
from carrier_gateway.jsonio import json_response
from carrier_gateway.routing import Call, Router
from provisioning.audit.trail import actor_of
from provisioning.enterprises import destinations, registry

router = Router("ops: enterprises")
READERS = {"ops", "auditor", "regulator"}
E = "/ops/v1/enterprises/{enterprise_id:\\d+}"

_EXAMPLE = {"id": 1, "name": "某某汽车有限公司", "uscc": "91350100M000100Y43", "kind": "OEM",
            "authorized_by": None, "authorized_from": None, "authorized_until": None,
            "callback_url": "https://tsp.oem.example/carrier/webhook", "apn": "iov-e1.carrier",
            "created_at": "2026-11-28T08:00:00Z"}


def actor(call: Call) -> str:
    assert call.principal is not None
    return actor_of("ops", call.principal.key_id)


def enterprise_id(request: web.Request) -> int:
    return int(request.match_info["enterprise_id"])


@router.post("/ops/v1/enterprises", summary="Record a purchasing enterprise (OEM or authorised AGENT)",
             auth="ops", roles={"ops"}, body=m.EnterpriseIn, response=m.EnterpriseOut, status=201,
             errors=(404, 409), response_example=_EXAMPLE)
async def ops_create_enterprise(request: web.Request, call: Call) -> web.Response:
    body: m.EnterpriseIn = call.body
    async with request.app[DB].write() as conn:
        ent = await registry.add_enterprise(conn, actor=actor(call), **body.model_dump())
    return json_response(ent.to_dict(), status=201)


@router.get("/ops/v1/enterprises", summary="List enterprises", auth="ops", roles=READERS,
            response=m.EnterpriseList, response_example={"items": [_EXAMPLE]})
async def ops_list_enterprises(request: web.Request, call: Call) -> web.Response:
    async with request.app[DB].read() as conn:
        items = await registry.list_enterprises(conn)
    return json_response({"items": [e.to_dict() for e in items]})


@router.get(E, summary="One enterprise with its registered destinations", auth="ops", roles=READERS,
            response=m.EnterpriseOut, errors=(404,),
            response_example={**_EXAMPLE, "destinations": {"PLATFORM_PREFIX": ["203.0.113.0/24"],
                                                           "SHORT_CODE": ["1065800001"], "CALL_CENTRE": []}})
async def ops_get_enterprise(request: web.Request, call: Call) -> web.Response:
    async with request.app[DB].read() as conn:
        ent = await registry.get_enterprise(conn, enterprise_id(request))
        dest = await destinations.list_destinations(conn, ent.id)
    return json_response({**ent.to_dict(), "destinations": dest})


@router.route("PATCH", E, summary="Change the name, callback URL or (AGENT) authorisation end", auth="ops",
              roles={"ops"}, body=m.EnterprisePatch, response=m.EnterpriseOut, errors=(404,),
              response_example={**_EXAMPLE, "callback_url": "https://tsp.oem.example/v2/webhook"},
              description="Only the fields given change; the USCC, kind and authorising OEM never do. Audited.")
async def ops_update_enterprise(request: web.Request, call: Call) -> web.Response:
    body: m.EnterprisePatch = call.body
    async with request.app[DB].write() as conn:
        ent = await registry.update_enterprise(conn, enterprise_id(request), actor=actor(call),
                                               **body.model_dump(exclude_none=True))
    return json_response(ent.to_dict())


@router.post(E + "/destinations", summary="Register a platform prefix, SMS short code or call-centre number "
             "(at most 10 of each)", auth="ops", roles={"ops"}, body=m.DestinationIn, response=m.Destinations,
             status=201, errors=(404, 409),
             response_example={"PLATFORM_PREFIX": ["203.0.113.0/24"], "SHORT_CODE": [], "CALL_CENTRE": []})
async def ops_add_destination(request: web.Request, call: Call) -> web.Response:
    body: m.DestinationIn = call.body
    async with request.app[DB].write() as conn:
        await destinations.add_destination(conn, enterprise_id(request), body.kind, body.value, actor=actor(call))
        listed = await destinations.list_destinations(conn, enterprise_id(request))
    return json_response(listed, status=201)


@router.delete(E + "/destinations", summary="Remove a registered destination", auth="ops", roles={"ops"},
               query=m.DestinationIn, response=m.Destinations, errors=(404,),
               description="The destination is named by the `kind` and `value` query parameters, e.g. "
                           "`?kind=SHORT_CODE&value=1065800001`; the answer lists those left. Audited.",
               response_example={"PLATFORM_PREFIX": ["203.0.113.0/24"], "SHORT_CODE": [], "CALL_CENTRE": []})
async def ops_remove_destination(request: web.Request, call: Call) -> web.Response:
    q: m.DestinationIn = call.query
    async with request.app[DB].write() as conn:
        await destinations.remove_destination(conn, enterprise_id(request), q.kind, q.value, actor=actor(call))
        listed = await destinations.list_destinations(conn, enterprise_id(request))
    return json_response(listed)
