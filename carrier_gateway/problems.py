"""RFC 9457 problem details: the one mapping from errors to HTTP answers."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import ValidationError

from carrier_gateway.jsonio import PROBLEM_JSON, json_response
from carrier_gateway.principal import REQUEST_ID
from carrier_gateway.ratelimit import retry_after_header
from numbering.errors import DomainError

_HTTP_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    417: "EXPECTATION_FAILED",
    422: "SCHEMA_INVALID",
    429: "RATE_LIMITED",
    500: "INTERNAL_ERROR",
    503: "UNAVAILABLE",
}


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    code: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    request: web.Request | None = None,
    headers: dict[str, str] | None = None,
) -> web.Response:
    code = code or _HTTP_CODES.get(status, "ERROR")
    body: dict[str, Any] = {
        "type": f"urn:carrier:problem:{code.lower().replace('_', '-')}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if errors:
        body["errors"] = errors
    if request is not None:
        body["instance"] = request.path
        rid = request.get(REQUEST_ID)
        if rid:
            body["request_id"] = rid
    return json_response(body, status=status, content_type=PROBLEM_JSON, headers=headers)


def from_domain(exc: DomainError, request: web.Request) -> web.Response:
    errors = getattr(exc, "errors", None)
    headers = getattr(exc, "headers", None)
    retry_after: float | None = getattr(exc, "retry_after", None)  # a 429's wait, in seconds
    if retry_after is not None:
        headers = {**(headers or {}), "Retry-After": retry_after_header(retry_after)}
    return problem(exc.status, exc.title, exc.detail, code=exc.code, errors=errors, request=request, headers=headers)


def validation_errors(exc: ValidationError) -> list[dict[str, Any]]:
    """Pydantic errors as per-record errors ``{"code", "field", "message"}``; never echo input."""
    out = []
    for err in exc.errors(include_input=False, include_url=False):
        field = ".".join(str(p) for p in err["loc"]) or None
        out.append({"code": "SCHEMA_INVALID", "field": field, "message": err["msg"]})
    return out


def from_http(exc: web.HTTPException, request: web.Request) -> web.Response:
    status = exc.status
    detail = exc.text or exc.reason
    if status == 413:
        detail = "request body is larger than this endpoint accepts"
    elif status == 404:
        detail = f"no resource at {request.path}"
    elif status == 405:
        detail = f"{request.method} is not allowed on {request.path}"
    headers = {k: v for k, v in exc.headers.items() if k.lower() in {"allow", "retry-after", "www-authenticate"}}
    return problem(status, exc.reason, detail, request=request, headers=headers or None)
