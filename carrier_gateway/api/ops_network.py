"""Ops API: RADIUS clients (the packet gateways) and accounted data usage."""

from __future__ import annotations

from aiohttp import web

from carrier_gateway.api import network_models as m
from carrier_gateway.api.ops_cards import C, iccid
from carrier_gateway.api.ops_enterprises import READERS, E, actor, enterprise_id
from carrier_gateway.appkeys import DB, KEYRING
from carrier_gateway.jsonio import json_response
from carrier_gateway.routing import Call, Router
from provisioning.enterprises.registry import get_enterprise
from provisioning.metering import octets
from provisioning.network import nas, usage

router = Router("ops: network")
N = "/ops/v1/nas"
_NAS = {"id": 1, "name": "pgw-beijing-1", "address": "10.1.0.7/32", "created_at": "2026-11-28T08:00:00Z"}


@router.post(N, summary="Add a RADIUS client; a generated secret is in this answer only", auth="ops",
             roles={"ops"}, body=m.NasIn, response=m.IssuedNas, status=201, errors=(409, 422),
             response_example={"id": 1, "name": "pgw-beijing-1", "address": "10.1.0.7/32",
                               "secret": "hT3kq0w5VxS2m9YbE1rZpL8uN4cJ6dFa"},
             description="A packet gateway (GGSN/PGW) asks the carrier over RADIUS whether a card may attach, and "
                         "reports usage. Packets from an address no client covers are dropped. Without `secret` "
                         "one is generated; either way it is stored sealed and never shown again. A running "
                         "`carrier serve` sees the change within seconds. Audited.")
async def ops_add_nas(request: web.Request, call: Call) -> web.Response:
    body: m.NasIn = call.body
    async with request.app[DB].write() as conn:
        issued = await nas.add_nas(conn, request.app[KEYRING], name=body.name, address=body.address,
                                   secret=body.secret, actor=actor(call))
    return json_response(issued.to_dict(), status=201)


@router.get(N, summary="List RADIUS clients (never their secrets)", auth="ops", roles={"ops", "auditor"},
            response=m.NasList, response_example={"items": [_NAS]})
async def ops_list_nas(request: web.Request, call: Call) -> web.Response:
    async with request.app[DB].read() as conn:
        items = await nas.list_nas(conn)
    return json_response({"items": [n.to_dict() for n in items]})


@router.delete(N + "/{name:[A-Za-z0-9._-]+}", summary="Remove a RADIUS client: its packets are dropped",
               auth="ops", roles={"ops"}, response=m.Nas, errors=(404,), response_example=_NAS)
async def ops_remove_nas(request: web.Request, call: Call) -> web.Response:
    async with request.app[DB].write() as conn:
        removed = await nas.remove_nas(conn, request.match_info["name"], actor=actor(call))
    return json_response(removed.to_dict())


@router.get(C + "/usage", summary="A card's accounted data: sessions, octets, its period against its cap",
            auth="ops", roles=READERS, response=m.CardUsage, errors=(404,),
            description="From RADIUS accounting (`Acct-Input-Octets`/`Acct-Output-Octets` with the Gigawords). "
                        "When `period_mb` reaches `cap_mb` the card's next attach is refused (DATA_CAP_REACHED).",
            response_example={"iccid": "89860400000000000015", "sessions": 12, "open_sessions": 1,
                              "input_octets": 5242880, "output_octets": 1048576,
                              "period_start": "2026-11-30T16:00:00Z", "period_mb": 6.0, "cap_mb": 20480})
async def ops_card_usage(request: web.Request, call: Call) -> web.Response:
    async with request.app[DB].read() as conn:
        found = await usage.usage_of(conn, iccid(request))
    return json_response({"iccid": iccid(request), **found.to_dict()})


@router.get(E + "/usage", summary="An enterprise's accounted data: sessions and octets of all its cards",
            auth="ops", roles=READERS, response=m.EnterpriseUsage, errors=(404,),
            response_example={"enterprise_id": 1, "sessions": 5120, "open_sessions": 800,
                              "input_octets": 73014444032, "output_octets": 9663676416})
async def ops_enterprise_usage(request: web.Request, call: Call) -> web.Response:
    ent = enterprise_id(request)
    async with request.app[DB].read() as conn:
        await get_enterprise(conn, ent)
        totals = (await octets.enterprise_totals(conn, enterprise_id=ent)).get(ent, octets.Totals(0, 0, 0, 0))
    return json_response({"enterprise_id": ent, **totals.to_dict()})
