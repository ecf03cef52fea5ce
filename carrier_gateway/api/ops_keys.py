"""Ops API: enterprises' API credentials (secrets shown once, at creation or rotation)."""

from __future__ import annotations

import datetime as dt

from aiohttp import web

from carrier_gateway.api import enterprise_models as m
from carrier_gateway.api.ops_enterprises import E, actor, enterprise_id
from carrier_gateway.appkeys import DB, KEYRING
from carrier_gateway.jsonio import json_response
from carrier_gateway.routing import Call, Router
from provisioning.enterprises import credentials

router = Router("ops: credentials")
K = "/ops/v1/keys/{key_id:ak_[0-9a-f]+}"
_ISSUED = {"key_id": "ak_5f0c8e2a9b7d41c3e6f2", "secret": "sk_RVYe3YhBFf5r32e2DCL9NjrUhy5TUh-fd8zA8W79YL4",
           "enterprise_id": 1}
_KEY = {"key_id": "ak_5f0c8e2a9b7d41c3e6f2", "enterprise_id": 1, "label": "TSP production", "status": "ACTIVE",
        "created_at": "2026-11-28T08:00:00Z", "expires_at": None, "replaced_by": None, "revoked_at": None}


@router.post(E + "/keys", summary="Create API credentials; the secret is in this answer only", auth="ops",
             roles={"ops"}, body=m.KeyIn, response=m.IssuedKey, status=201, errors=(404,),
             response_example=_ISSUED,
             description="The secret is stored encrypted and never shown again: hand it to the enterprise now. "
                         "An enterprise may hold several keys; `label` says which system uses this one. Audited.")
async def ops_create_key(request: web.Request, call: Call) -> web.Response:
    body: m.KeyIn = call.body
    async with request.app[DB].write() as conn:
        issued = await credentials.create_key(conn, request.app[KEYRING], enterprise_id(request),
                                              actor=actor(call), label=body.label)
    return json_response({"key_id": issued.key_id, "secret": issued.secret, "enterprise_id": issued.enterprise_id},
                         status=201)


@router.get(E + "/keys", summary="List an enterprise's keys and their status (never secrets)", auth="ops",
            roles={"ops", "auditor"}, response=m.KeyList, errors=(404,), response_example={"items": [_KEY]})
async def ops_list_keys(request: web.Request, call: Call) -> web.Response:
    async with request.app[DB].read() as conn:
        items = await credentials.list_keys(conn, enterprise_id(request))
    return json_response({"items": [k.to_dict() for k in items]})


@router.post(K + "/rotation", summary="Rotate a key: a new key now, the old one valid for a grace period",
             auth="ops", roles={"ops"}, body=m.RotateIn, response=m.IssuedKey, status=201, errors=(404, 409),
             response_example={**_ISSUED, "key_id": "ak_53c4c2db3ea45f3a3096",
                               "secret": "sk_dbT8fJw1m03QuSO_TQf_eXOup6ejvs8_ueeHio6exPw"},
             description="The answer is the new key (its secret shown once, label kept). The old key is ROTATING "
                         "and keeps working for `grace_hours`, then EXPIRED; 0 ends it at once. A revoked or "
                         "expired key cannot be rotated (409): create a new one. Audited.")
async def ops_rotate_key(request: web.Request, call: Call) -> web.Response:
    body: m.RotateIn = call.body
    async with request.app[DB].write() as conn:
        issued = await credentials.rotate_key(conn, request.app[KEYRING], request.match_info["key_id"],
                                              actor=actor(call), grace=dt.timedelta(hours=body.grace_hours))
    return json_response({"key_id": issued.key_id, "secret": issued.secret, "enterprise_id": issued.enterprise_id},
                         status=201)


@router.delete(K, summary="Revoke a key at once", auth="ops", roles={"ops"}, response=m.KeyOut, errors=(404, 409),
               response_example={**_KEY, "status": "REVOKED", "revoked_at": "2026-11-28T09:00:00Z"})
async def ops_revoke_key(request: web.Request, call: Call) -> web.Response:
    async with request.app[DB].write() as conn:
        info = await credentials.revoke_key(conn, request.match_info["key_id"], actor=actor(call))
    return json_response(info.to_dict())
