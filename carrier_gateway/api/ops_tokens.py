"""Ops API: who am I, and the token list (values are never shown)."""

from __future__ import annotations

import datetime as dt

from aiohttp import web
from pydantic import BaseModel

from carrier_gateway import ops_auth
from carrier_gateway.appkeys import DB
from carrier_gateway.jsonio import json_response
from carrier_gateway.routing import Call, Router

router = Router("ops: access")


class WhoAmI(BaseModel):
    role: str
    token_id: str


class TokenInfo(BaseModel):
    id: int
    role: str
    label: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


class TokenList(BaseModel):
    items: list[TokenInfo]


@router.get("/ops/v1/whoami", summary="The role of the presented token", auth="ops",
            roles=ops_auth.ROLES, response=WhoAmI, response_example={"role": "ops", "token_id": "1"})
async def whoami(request: web.Request, call: Call) -> web.Response:
    assert call.principal is not None
    return json_response({"role": call.principal.role, "token_id": call.principal.key_id})


@router.get("/ops/v1/tokens", summary="List ops tokens (ids and roles, never values)", auth="ops",
            roles={"ops", "auditor"}, response=TokenList,
            description="Tokens are made with `carrier token create --role R --label L` (the value is shown then "
                        "only) and revoked with `carrier token revoke ID`.",
            response_example={"items": [
                {"id": 1, "role": "ops", "label": "operations desk", "created_at": "2026-11-28T08:00:00Z",
                 "revoked_at": None},
                {"id": 2, "role": "auditor", "label": "internal audit", "created_at": "2026-11-28T08:05:00Z",
                 "revoked_at": None},
                {"id": 3, "role": "regulator", "label": "provincial inspection 2026", "created_at":
                 "2026-11-28T08:10:00Z", "revoked_at": "2026-11-28T09:30:00Z"}]})
async def list_tokens(request: web.Request, call: Call) -> web.Response:
    async with request.app[DB].read() as conn:
        rows = await ops_auth.list_tokens(conn)
    return json_response({"items": rows})
