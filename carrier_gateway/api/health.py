"""Liveness, readiness, metrics and the OpenAPI document (no token needed)."""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel

from carrier_gateway.appkeys import DB, OPENAPI
from carrier_gateway.db import DatabaseError
from carrier_gateway.jsonio import json_response
from carrier_gateway.metrics import METRICS
from carrier_gateway.migrate import schema_state
from carrier_gateway.problems import problem
from carrier_gateway.routing import Call, Router

router = Router("service")


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


@router.get("/readyz", summary="Readiness: the database answers and its schema is current",
            response=Ready, errors=(503,),
            response_example={"status": "ready", "database": "sqlite", "schema_revision": "0001"})
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
    return json_response({"status": "ready", "database": db.dialect, "schema_revision": state.revision})


@router.get("/metrics", summary="Prometheus metrics (text exposition format)",
            response_media_type="text/plain")
async def metrics(request: web.Request, call: Call) -> web.Response:
    body = request.app[METRICS].render()
    return web.Response(body=body, headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"})


@router.get("/openapi.json", summary="This API described in OpenAPI 3.1")
async def openapi(request: web.Request, call: Call) -> web.Response:
    return json_response(request.app[OPENAPI])
