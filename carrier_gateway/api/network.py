"""The simulated core network's authorisation endpoint (carrier-internal: ops token)."""

from __future__ import annotations

from aiohttp import web

from carrier_gateway.api import card_models as m
from carrier_gateway.appkeys import DB
from carrier_gateway.background import WORKERS
from carrier_gateway.jsonio import json_response
from carrier_gateway.routing import Call, Router
from carrier_gateway.webhooks import WEBHOOKS
from provisioning.cards.authorize import Request, authorize
from provisioning.cards.states import CardState

router = Router("network")


@router.post("/v1/network/authorize", summary="May this card use this service to reach this destination now?",
             description="Answers allow/deny with the rule's code. The first IMEI an ACTIVE card attaches with is "
                         "bound to it; a different IMEI suspends the card (machine-card binding) and is denied. "
                         "In TEST, data goes only through the enterprise APN to its registered platform prefixes "
                         "(capped). Needs an ops token with role ops.",
             auth="ops", roles={"ops"}, body=m.AuthorizeIn, response=m.AuthorizeOut,
             response_example={"allowed": True, "reason": "ALLOWED",
                               "detail": "TBOX ceiling: data through the enterprise APN to its registered "
                                         "platform prefixes only",
                               "iccid": "89860400000000000015", "state": "ACTIVE"})
async def network_authorize(request: web.Request, call: Call) -> web.Response:
    body: m.AuthorizeIn = call.body
    req = Request(**body.model_dump())
    db = request.app[DB]
    async with db.read() as conn:
        decision = await authorize(conn, req)
    if decision.needs_write:  # binds or suspends: only then a write transaction
        async with db.write() as conn:
            decision = await authorize(conn, req, write=True)
        if decision.state == CardState.SUSPENDED:  # a card.suspended webhook may be waiting in the outbox
            request.app[WORKERS].wake(WEBHOOKS)
    return json_response({"allowed": decision.allowed, "reason": decision.reason, "detail": decision.detail,
                          "iccid": decision.iccid, "state": decision.state})
