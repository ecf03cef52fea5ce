"""Request id, metrics and the one error mapping (domain error -> problem+json)."""

from __future__ import annotations

import logging
import re
import time
import uuid

from aiohttp import web
from aiohttp.typedefs import Handler
from sqlalchemy.exc import IntegrityError

from carrier_gateway.metrics import METRICS
from carrier_gateway.principal import REQUEST_ID
from carrier_gateway.problems import from_domain, from_http, problem
from carrier_gateway.serving import IN_FLIGHT
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
    except DomainError as exc:
        return from_domain(exc, request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return from_http(exc, request)
    except IntegrityError:
        # a UNIQUE constraint stopped a concurrent change the code's own checks could not see
        log.warning("integrity conflict", extra={"request_id": request[REQUEST_ID], "path": request.path})
        return problem(409, "Conflict", "a concurrent change got there first; read the current state and retry",
                       code="CONCURRENT_CHANGE", request=request)
    except Exception:
        log.exception("unhandled error", extra={"request_id": request[REQUEST_ID], "path": request.path})
        return problem(500, "Internal error", "the request failed; quote the request id to the carrier",
                       request=request)
