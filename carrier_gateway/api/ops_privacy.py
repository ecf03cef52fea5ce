"""Ops API: responsible persons in clear (auditor, purpose, audited) and what each master key protects."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import BaseModel, Field

from carrier_gateway.api import enterprise_models as m
from carrier_gateway.api.ops_enterprises import E, actor, enterprise_id
from carrier_gateway.api.ops_registrations import PurposeQuery
from carrier_gateway.appkeys import DB, KEYRING
from carrier_gateway.jsonio import json_response
from carrier_gateway.routing import Call, Router
from provisioning import when
from provisioning.personal_data import disclosure
from provisioning.personal_data.status import key_status
from provisioning.when import AsOf

router = Router("ops: privacy")


class UnmaskedPersonQuery(PurposeQuery):
    on: AsOf | None = Field(None, description="who was serving then: a date means the end of that day in China "
                                              "time, a datetime without an offset is China time (UTC+8)")
    history: bool = False


class ClearPerson(m.PersonOut):
    name: str = Field(description="in clear")
    id_number: str = Field(description="in clear")
    phone: str = Field(description="in clear")
    email: str | None = Field(description="in clear")


class ClearPersonList(BaseModel):
    items: list[ClearPerson]


class KeyStatus(BaseModel):
    active_key: str
    keys: list[dict[str, Any]]
    columns: list[dict[str, Any]]
    not_under_active_key: int
    unknown_keys: list[str]
    complete: bool


@router.get(E + "/persons/unmasked", summary="Responsible persons in clear (auditor; purpose required, audited)",
            auth="ops", roles={"auditor"}, query=UnmaskedPersonQuery, response=ClearPersonList, errors=(404,),
            description="Answers 422 PURPOSE_REQUIRED without a purpose. The read is recorded in the audit trail "
                        f"(reader, enterprise, person ids, purpose; never the data). `on` takes {when.READING}; a "
                        "date means as the day ended.",
            response_example={"items": [{"id": 3, "enterprise_id": 1, "role": "REAL_NAME", "name": "张三",
                                         "id_type": "RESIDENT_ID", "id_number": "11010519491231002X",
                                         "phone": "13800138000", "email": "zhang.san@oem.example",
                                         "term_start": "2026-11-28T08:00:00Z", "term_end": None}]})
async def list_persons_unmasked(request: web.Request, call: Call) -> web.Response:
    q: UnmaskedPersonQuery = call.query
    async with request.app[DB].write() as conn:
        items = await disclosure.unmasked_persons(conn, request.app[KEYRING], enterprise_id(request),
                                                  actor=actor(call), purpose=q.purpose, on=q.on,
                                                  history=q.history)
    return json_response({"items": items}, headers={"Cache-Control": "no-store"})


@router.get("/ops/v1/privacy/keys", summary="Values per master key id in every encrypted column", auth="ops",
            roles={"ops", "auditor"}, response=KeyStatus,
            description="`complete` is true once every value is under the active key (a finished rotation).",
            response_example={"active_key": "k20261128080000ab12",
                              "keys": [{"id": "k20250101000000cd34", "active": False},
                                       {"id": "k20261128080000ab12", "active": True}],
                              "columns": [{"column": "registrations.subject_enc",
                                           "holds": "a registration's subject with its agent and responsible "
                                                    "person (JSON)",
                                           "by_key": {"k20250101000000cd34": 120, "k20261128080000ab12": 99880}}],
                              "not_under_active_key": 120, "unknown_keys": [], "complete": False})
async def privacy_keys(request: web.Request, call: Call) -> web.Response:
    ring = request.app[KEYRING]
    ring.refresh()
    async with request.app[DB].read() as conn:
        status = await key_status(conn, ring)
    return json_response(status)
