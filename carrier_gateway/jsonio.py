"""JSON encoding used by the HTTP API and the CLI (orjson: fast, dates and UUIDs built in)."""

from __future__ import annotations

import decimal
from typing import Any

import orjson
from aiohttp import web

JSON = "application/json"
PROBLEM_JSON = "application/problem+json"
NDJSON = "application/x-ndjson"
CSV = "text/csv"
HTML = "text/html"


def _default(obj: Any) -> Any:
    if isinstance(obj, decimal.Decimal):
        return str(obj)
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json")
    raise TypeError(f"{type(obj).__name__} is not JSON serialisable")


def dumps(obj: Any, *, indent: bool = False) -> bytes:
    option = orjson.OPT_NON_STR_KEYS | (orjson.OPT_INDENT_2 if indent else 0)
    return orjson.dumps(obj, default=_default, option=option)


def loads(data: bytes | str) -> Any:
    return orjson.loads(data)


def json_response(
    data: Any, *, status: int = 200, content_type: str = JSON, headers: dict[str, str] | None = None
) -> web.Response:
    return web.Response(body=dumps(data), status=status, content_type=content_type, headers=headers)
