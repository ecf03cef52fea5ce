"""The one error mapping: a UNIQUE-constraint backstop is a 409 problem, a bug a 500 problem."""

from __future__ import annotations

import json

from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from sqlalchemy.exc import IntegrityError

from carrier_gateway.middleware import request_context


async def _answer(exc: Exception) -> web.Response:
    async def handler(request: web.Request) -> web.Response:
        raise exc

    request = make_mocked_request("POST", "/ops/v1/enterprises/1/persons", app=web.Application())
    return await request_context(request, handler)  # type: ignore[return-value]


async def test_integrity_error_is_a_409_problem_not_a_500() -> None:
    resp = await _answer(IntegrityError("INSERT ...", {}, Exception("UNIQUE constraint failed")))
    body = json.loads(resp.body)  # type: ignore[arg-type]
    assert resp.status == 409 and resp.content_type == "application/problem+json"
    assert body["code"] == "CONCURRENT_CHANGE" and "UNIQUE" not in body["detail"]


async def test_an_unexpected_error_is_a_500_problem_without_internals() -> None:
    resp = await _answer(RuntimeError("secret internals"))
    body = json.loads(resp.body)  # type: ignore[arg-type]
    assert resp.status == 500 and body["code"] == "INTERNAL_ERROR" and "secret" not in body["detail"]
    assert body["request_id"]
