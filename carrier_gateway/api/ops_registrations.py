"""Ops API: one registration, masked; unmasked only for an auditor with a purpose (audited)."""

from __future__ import annotations

from aiohttp import web
from pydantic import Field

from carrier_gateway.api.oem_models import REGISTRATION_OUT_EXAMPLE, RegistrationOut
from carrier_gateway.api.ops_enterprises import actor
from carrier_gateway.appkeys import DB, KEYRING
from carrier_gateway.jsonio import json_response
from carrier_gateway.routing import Call, Router
from provisioning.inputs import Input
from provisioning.personal_data import disclosure

router = Router("ops: registrations")
R = "/ops/v1/registrations/{registration_id:[A-Za-z0-9]+}"


class PurposeQuery(Input):
    purpose: str | None = Field(default=None, max_length=300,
                                description="why the unmasked data is needed (8-300 characters); recorded in "
                                            "the audit trail")


class OpsRegistrationOut(RegistrationOut):
    enterprise_id: int


_MASKED = {**REGISTRATION_OUT_EXAMPLE, "enterprise_id": 1}
_CLEAR = {**_MASKED, "subject": {"type": "INDIVIDUAL", "name": "张三", "id_type": "RESIDENT_ID",
                                 "id_number": "11010519491231002X", "id_expires": "2020-01-01",
                                 "address": "北京市朝阳区某街1号", "phone": "13800138000"}}


@router.get(R, summary="A registration with its masked subject", auth="ops", roles={"ops", "auditor"},
            response=OpsRegistrationOut, errors=(404,), response_example=_MASKED)
async def ops_get_registration(request: web.Request, call: Call) -> web.Response:
    async with request.app[DB].read() as conn:
        view = await disclosure.registration(conn, request.app[KEYRING], request.match_info["registration_id"])
    return json_response(view)


@router.get(R + "/unmasked", summary="A registration with its subject in clear (auditor; purpose required, "
            "audited)", auth="ops", roles={"auditor"}, query=PurposeQuery, response=OpsRegistrationOut,
            errors=(404,), response_example=_CLEAR,
            description="Answers 422 PURPOSE_REQUIRED without a purpose. Each read is recorded in the audit "
                        "trail (reader, registration, purpose; never the data) in the same transaction.")
async def ops_get_registration_unmasked(request: web.Request, call: Call) -> web.Response:
    q: PurposeQuery = call.query
    async with request.app[DB].write() as conn:
        view = await disclosure.unmasked_registration(conn, request.app[KEYRING],
                                                      request.match_info["registration_id"], actor=actor(call),
                                                      purpose=q.purpose)
    return json_response(view, headers={"Cache-Control": "no-store"})
