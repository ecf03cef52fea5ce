"""Ops API: webhook delivery status per enterprise, and another round for dead events."""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from carrier_gateway.api.ops_enterprises import actor
from carrier_gateway.appkeys import DB
from carrier_gateway.background import WORKERS
from carrier_gateway.jsonio import json_response
from carrier_gateway.routing import Call, Router
from carrier_gateway.webhooks import WEBHOOKS, delivery_status, retry_dead
from provisioning.inputs import Input, RowId

router = Router("ops: webhooks")


class StatusQuery(Input):
    enterprise: RowId | None = Field(default=None, description="only this enterprise")


class EnterpriseDeliveries(BaseModel):
    enterprise_id: int
    pending: int = Field(description="waiting for delivery (including those being retried)")
    retrying: int = Field(description="pending events that failed at least once")
    delivered: int
    dead: int = Field(description="gave up after the maximum attempts; `retry` revives them")
    last_error: str | None = Field(description="why the latest undelivered event failed")


class DeliveryStatus(BaseModel):
    items: list[EnterpriseDeliveries]


class RetryIn(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [{"enterprise_id": 1}, {}]})
    enterprise_id: RowId | None = Field(default=None, description="only this enterprise (default: all)")


class RetryOut(BaseModel):
    retried: int


_STATUS = {"enterprise_id": 1, "pending": 3, "retrying": 1, "delivered": 1250, "dead": 0, "last_error": "HTTP 503"}


@router.get("/ops/v1/webhooks", summary="Webhook events per enterprise: pending, retrying, delivered, dead",
            auth="ops", roles={"ops"}, query=StatusQuery, response=DeliveryStatus,
            response_example={"items": [_STATUS]})
async def webhook_status(request: web.Request, call: Call) -> web.Response:
    async with request.app[DB].read() as conn:
        items = await delivery_status(conn, call.query.enterprise)
    return json_response({"items": items})


@router.post("/ops/v1/webhooks/retry", summary="Give dead webhook events a new round of attempts, starting now",
             auth="ops", roles={"ops"}, body=RetryIn, response=RetryOut, response_example={"retried": 4},
             description="Dead events (those that failed the maximum number of times) become pending again "
                         "with their attempts reset; the webhook worker sends them at once. Audited.")
async def webhook_retry(request: web.Request, call: Call) -> web.Response:
    async with request.app[DB].write() as conn:
        retried = await retry_dead(conn, actor=actor(call), enterprise_id=call.body.enterprise_id)
    if retried:
        request.app[WORKERS].wake(WEBHOOKS)
    return json_response({"retried": retried})
