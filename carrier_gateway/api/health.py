"""Liveness, readiness, metrics and the OpenAPI document (no token needed)."""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel

from carrier_gateway.appkeys import DB, OPENAPI
from carrier_gateway.db import DatabaseError
from carrier_gateway.fleet import FLEET
from carrier_gateway.jsonio import json_response
from carrier_gateway.metrics import METRICS
from carrier_gateway.migrate import schema_state
from carrier_gateway.problems import problem
from carrier_gateway.routing import Call, Router

router = Router("service")
_ROUTE = 'method="POST",route="/v1/registrations"'
#: an excerpt: one route's counter and latency histogram, and the webhook outcomes
METRICS_EXAMPLE = "\n".join([
    "# HELP carrier_http_requests_total HTTP requests",
    "# TYPE carrier_http_requests_total counter",
    f'carrier_http_requests_total{{{_ROUTE},status="202"}} 1842.0',
    f'carrier_http_requests_total{{{_ROUTE},status="422"}} 17.0',
    "# HELP carrier_http_request_duration_seconds HTTP request latency",
    "# TYPE carrier_http_request_duration_seconds histogram",
    f'carrier_http_request_duration_seconds_bucket{{le="0.005",{_ROUTE}}} 1503.0',
    f'carrier_http_request_duration_seconds_bucket{{le="0.01",{_ROUTE}}} 1822.0',
    f'carrier_http_request_duration_seconds_bucket{{le="+Inf",{_ROUTE}}} 1859.0',
    f"carrier_http_request_duration_seconds_count{{{_ROUTE}}} 1859.0",
    f"carrier_http_request_duration_seconds_sum{{{_ROUTE}}} 7.4213",
    "# HELP carrier_events_total Domain events",
    "# TYPE carrier_events_total counter",
    'carrier_events_total{event="webhook.delivered"} 1250.0',
    'carrier_events_total{event="webhook.failed"} 4.0',
]) + "\n"


class Health(BaseModel):
    status: str


class Ready(BaseModel):
    status: str
    database: str
    schema_revision: str | None


@router.get("/healthz", summary="Liveness: the process answers", response=Health,
            response_example={"status": "ok"})
async def healthz(request: web.Request, call: Call) -> web.Response:
    return json_response({"status": "ok"})


@router.get("/readyz", summary="Readiness: the database answers, its schema is current, this process is counted",
            response=Ready, errors=(503,),
            description="`schema_revision` lists the head revision of each table branch. A process that has "
                        "just started is not ready until every other running process counts it (at most two "
                        "heartbeats, `CARRIER_HEARTBEAT_SECONDS`): until then it has no share of the rate limits.",
            response_example={"status": "ready", "database": "postgresql", "schema_revision": (
                "audit_0001,backfill_0001,cards_0002,console_0001,enterprises_0001,gateway_0003,jobs_0003,"
                "network_0001,numbering_0001,outbox_0001,registrations_0003")})
async def readyz(request: web.Request, call: Call) -> web.Response:
    db = request.app[DB]
    try:
        await db.ping()
        state = await schema_state(db)
    except DatabaseError as exc:
        return problem(503, "Not ready", str(exc), code="DATABASE_UNAVAILABLE", request=request)
    if not state.is_current:
        return problem(503, "Not ready",
                       (f"database schema is at {state.revision or 'nothing'}, expected {state.head}: "
                        "run `carrier init`"),
                       code="SCHEMA_OUTDATED", request=request)
    if request.app[FLEET].share() <= 0:
        return problem(503, "Not ready", "this process is joining the others (or its heartbeat is failing): it "
                       "takes its share of the request rate limits within two heartbeats",
                       code="JOINING", request=request)
    return json_response({"status": "ready", "database": db.dialect, "schema_revision": state.revision})


@router.get("/metrics", summary="Prometheus metrics (text exposition format)",
            response_media_type="text/plain", response_example=METRICS_EXAMPLE,
            description="Request counts and latency per route and status, and domain events such as webhook "
                        "deliveries. No token is needed.")
async def metrics(request: web.Request, call: Call) -> web.Response:
    body = request.app[METRICS].render()
    return web.Response(body=body, headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"})


@router.get("/openapi.json", summary="This API described in OpenAPI 3.1")
async def openapi(request: web.Request, call: Call) -> web.Response:
    return json_response(request.app[OPENAPI])
