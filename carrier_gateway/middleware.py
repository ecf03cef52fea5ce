"""Request id, metrics and the one error mapping (domain error -> problem+json)."""

from __future__ import annotations

import logging
import re
import time
import uuid

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.typedefs import Handler
from sqlalchemy.exc import IntegrityError

from carrier_gateway.metrics import METRICS
from carrier_gateway.principal import REQUEST_ID
from carrier_gateway.problems import from_domain, from_http, problem
from carrier_gateway.serving import IN_FLIGHT
from carrier_gateway.streams import STREAM, abort_stream
from numbering.errors import DomainError

log = logging.getLogger("carrier.http")
_RID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


@web.middleware
async def request_context(request: web.Request, handler: Handler) -> web.StreamResponse:
    rid = request.headers.get("X-Request-Id", "")
    request[REQUEST_ID] = rid if _RID.match(rid) else uuid.uuid4().hex
    start = time.perf_counter()
    response: web.StreamResponse | None = None
    in_flight = request.app.get(IN_FLIGHT)
    if in_flight is not None:
        in_flight.enter()
    try:
        response = await handle_errors(request, handler)
        return response
    finally:
        if in_flight is not None:
            in_flight.leave()
        status = response.status if response is not None else 500
        if response is not None and not response.prepared:
            response.headers["X-Request-Id"] = request[REQUEST_ID]
            if in_flight is not None and in_flight.draining:  # stopping: reconnect elsewhere
                response.force_close()
            elif request.can_read_body:  # refused before its body was read: say the connection ends
                response.force_close()
        metrics = request.app.get(METRICS)
        if metrics is not None:
            route = request.match_info.route.resource
            name = route.canonical if route is not None else "unmatched"
            metrics.observe(request.method, name, status, time.perf_counter() - start)


async def handle_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except Exception as exc:  # noqa: BLE001 - the one place every failure is answered
        if STREAM in request:  # the 200 is out: only a broken transfer can tell the client now
            return abort_stream(request, exc)
        return answer_for(exc, request)


def answer_for(exc: Exception, request: web.Request) -> web.StreamResponse:
    """The problem+json answer to a request that failed before its response started."""
    where = {"request_id": request[REQUEST_ID], "path": request.path}
    if isinstance(exc, DomainError):
        return from_domain(exc, request)
    if isinstance(exc, web.HTTPException):
        if exc.status < 400:
            raise exc
        return from_http(exc, request)
    if isinstance(exc, IntegrityError):
        # a UNIQUE constraint stopped a concurrent change the code's own checks could not see
        log.warning("integrity conflict", extra=where)
        return problem(409, "Conflict", "a concurrent change got there first; read the current state and retry",
                       code="CONCURRENT_CHANGE", request=request)
    if isinstance(exc, (web.RequestPayloadError, HttpProcessingError)):
        # a body aiohttp could not decode (not the Content-Encoding it claims, a broken chunk): the client's doing
        log.warning("malformed request body", extra={**where, "error": type(exc).__name__})
        return problem(400, "Malformed request", "the request body could not be read as its headers describe it",
                       code="BAD_REQUEST", request=request)
    if isinstance(exc, ConnectionError):
        # the client went away (mid-upload, say): routine, and nobody is left to read an answer
        log.info("client went away during the request", extra={**where, "error": type(exc).__name__})
        return problem(400, "Incomplete request", "the connection closed before the request was complete",
                       code="INCOMPLETE_REQUEST", request=request)
    log.error("unhandled error", exc_info=exc, extra=where)
    return problem(500, "Internal error", "the request failed; quote the request id to the carrier",
                   request=request)
