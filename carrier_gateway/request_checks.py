"""What the path and the headers decide, before a body is read or a caller authenticated.

A path value that no row can have answers 404, as a missing row does, and alike on every
backend: text either backend would refuse (NUL, an unpaired surrogate) and, for an
integer id (a route pattern ``{name:\\d+}``), a number outside 1..2^31-1, the range of
the INTEGER columns ids live in. Left to the database, PostgreSQL fails on both (a 500)
where SQLite finds nothing.

A body sent to a JSON endpoint must say it is JSON: a form or text/plain body is a 415,
not parsed as if it were JSON. JSON is UTF-8 (RFC 8259), so another charset is a 415 too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from aiohttp import web

from carrier_gateway.jsonio import JSON
from numbering.errors import DomainError
from provisioning.inputs import MAX_INT32, unstorable

_INT_PARAM = re.compile(r"{(\w+):\\d\+}")
_MAX_DIGITS = len(str(MAX_INT32))


class UnsupportedMediaType(DomainError):
    status = 415
    code = "UNSUPPORTED_MEDIA_TYPE"
    title = "Unsupported media type"


def check_request(pattern: str, takes_json: bool, request: web.Request) -> None:
    """The checks before any body byte: the path values against the route's ``pattern``,
    and, for an endpoint that ``takes_json``, the body's declared media type."""
    check_path(pattern, request.match_info)
    if takes_json:
        check_json_body(request)


def check_path(pattern: str, values: Mapping[str, str]) -> None:
    """404 for a path value no row can have (see the module docstring)."""
    if any(unstorable(value) for value in values.values()):
        raise web.HTTPNotFound()
    for name in _INT_PARAM.findall(pattern):
        digits = values[name].lstrip("0")
        # the length first: int() of thousands of digits is slow, and refused past 4300
        if not digits or len(digits) > _MAX_DIGITS or int(digits) > MAX_INT32:
            raise web.HTTPNotFound()


def check_json_body(request: web.Request) -> None:
    """415 unless a body is declared ``application/json`` (charset, if any, UTF-8). An
    empty body is left to the schema, which names what is missing."""
    if not request.body_exists:
        return
    charset = (request.charset or "utf-8").lower()
    if request.content_type != JSON or charset not in ("utf-8", "utf8"):
        given = f"{request.content_type}; charset={charset}" if "Content-Type" in request.headers else "untyped"
        raise UnsupportedMediaType(f"send the body as {JSON} (UTF-8), not {given}")
