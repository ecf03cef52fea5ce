"""Ops API: responsible persons (masked) and the regulator's roster."""

from __future__ import annotations

from aiohttp import web

from carrier_gateway.api import enterprise_models as m
from carrier_gateway.api.ops_enterprises import READERS, E, actor, enterprise_id
from carrier_gateway.appkeys import DB, KEYRING
from carrier_gateway.jsonio import CSV, json_response
from carrier_gateway.routing import Call, Router
from numbering.dbtypes import utcnow
from provisioning import when
from provisioning.enterprises import persons
from provisioning.enterprises.roster_table import COLUMNS as ROSTER_COLUMNS
from provisioning.enterprises.roster_table import roster_csv

router = Router("ops: enterprises")

_PERSON = {"id": 3, "enterprise_id": 1, "role": "REAL_NAME", "name": "张*", "id_type": "RESIDENT_ID",
           "id_number": "110105********002X", "phone": "138****8000", "email": "z********@oem.example",
           "term_start": "2026-11-28T08:00:00Z", "term_end": None}


@router.post(E + "/persons", summary="Name the responsible person for a role (ends the previous one's term)",
             auth="ops", roles={"ops"}, body=m.PersonIn, response=m.PersonOut, status=201, errors=(404,),
             response_example=_PERSON)
async def ops_add_person(request: web.Request, call: Call) -> web.Response:
    body: m.PersonIn = call.body
    async with request.app[DB].write() as conn:
        person = await persons.add_person(conn, request.app[KEYRING], enterprise_id(request), actor=actor(call),
                                          **body.model_dump())
    return json_response(person.to_dict(), status=201)


@router.get(E + "/persons", summary="Responsible persons serving now, on a date, or the full history (masked)",
            auth="ops", roles=READERS, query=m.PersonQuery, response=m.PersonList, errors=(404,),
            description=f"`on` takes {when.READING}; a date means as the day ended.",
            response_example={"items": [_PERSON]})
async def ops_list_persons(request: web.Request, call: Call) -> web.Response:
    q: m.PersonQuery = call.query
    async with request.app[DB].read() as conn:
        items = await persons.list_persons(conn, request.app[KEYRING], enterprise_id(request),
                                           on=q.on, history=q.history)
    return json_response({"items": [p.to_dict() for p in items]})


@router.get("/ops/v1/roster", summary="Every enterprise's responsible persons as they stood on a date (masked)",
            description="For the regulator (clause 10). `format=csv` answers text/csv; an enterprise with "
                        "nobody serving appears with empty person columns. `on` takes "
                        f"{when.READING}; a date means as the day ended.",
            auth="ops", roles=READERS, query=m.RosterQuery, response=m.Roster, other_media_types=(CSV,),
            response_example={"on": "2026-11-28T15:59:59Z", "items": [{
                "enterprise_id": 1, "enterprise_name": "某某汽车有限公司", "uscc": "91350100M000100Y43",
                "kind": "OEM", **{k: v for k, v in _PERSON.items() if k in ROSTER_COLUMNS}}]})
async def ops_roster(request: web.Request, call: Call) -> web.Response:
    q: m.RosterQuery = call.query
    at = q.on or utcnow()
    async with request.app[DB].read() as conn:
        rows = [e.to_dict() for e in await persons.roster(conn, request.app[KEYRING], on=at)]
    if q.format == "csv":
        return web.Response(text=roster_csv(rows), content_type=CSV, charset="utf-8")
    return json_response({"on": at, "items": rows})
