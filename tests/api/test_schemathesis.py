"""Every operation of /openapi.json, driven by schemathesis against a real `carrier serve`
on each backend: signed requests for /v1, a bearer token for /ops/v1, about 25 examples
an operation, drawn from both valid data and data that breaks the schema. Checks: no
server error, responses match their declared schema, and every response's content type
is one the document declares for it.

Operations that would end the run's own credentials (revoking the token or key the run
signs with) are left out; everything else, including writes, is exercised."""

from __future__ import annotations

import asyncio
import collections
import json
import shutil
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from carrier_gateway.db import Database
from carrier_gateway.ops_auth import create_token
from carrier_gateway.signing import signed_headers
from provisioning.privacy.keyring import ENV_VAR, Keyring, new_keyring
from tests.conftest import backends
from tests.integration.registrations.processes import Server
from tests.support import pg
from tests.support.world import Oem, build_oem

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
#: the run's own credentials must survive it
SPARED = ("/ops/v1/tokens/{token_id}", "/ops/v1/keys/{key_id}")


@schemathesis.serializer("application/x-ndjson")
def _json_lines(ctx: Any, value: Any) -> bytes:
    """An upload is a string in the document; sent as its bytes (unpaired surrogates and
    all, so invalid UTF-8 reaches the server too)."""
    text = value if isinstance(value, str) else json.dumps(value)
    return text.encode("utf-8", "surrogatepass")


class Live:
    def __init__(self, server: Server, oem: Oem, token: str) -> None:
        self.server, self.oem, self.token = server, oem, token


class Signer(requests.auth.AuthBase):
    """Signs /v1 requests as the OEM (over the exact bytes sent) and gives /ops/v1 the token."""

    def __init__(self, live: Live) -> None:
        self.live = live

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        path = request.path_url
        if path.startswith("/v1/"):
            body = request.body or b""
            if isinstance(body, str):
                body = body.encode()
            request.headers.update(signed_headers(self.live.oem.key_id, self.live.oem.secret,
                                                  request.method or "GET", path, body))
        elif path.startswith("/ops/v1/") and "Authorization" not in request.headers:
            request.headers["Authorization"] = f"Bearer {self.live.token}"
        return request


async def _seed(url: str, keyring: Keyring) -> tuple[Oem, str]:
    db = Database(url)
    try:
        oem = await build_oem(db, keyring, cards=5)
        async with db.write() as conn:
            token = await create_token(conn, "ops", "schemathesis")
        return oem, token.token
    finally:
        await db.dispose()


@pytest.fixture(scope="module", params=backends())
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    work = tmp_path_factory.mktemp("schemathesis")
    keyring = new_keyring()
    server_pg: pg.Server | None = None
    if request.param == "sqlite":
        path = work / "carrier.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite+aiosqlite:///{path}"
    else:
        server_pg = request.getfixturevalue("pg_server")
        name = server_pg.create_database(suffix=uuid.uuid4().hex[:10], template=server_pg.template)
        url = server_pg.url_for(name)
    oem, token = asyncio.run(_seed(url, keyring))
    server = Server(url, work, f"serve-{request.param}", **{ENV_VAR: keyring.to_json(), "CARRIER_WORKERS": "1"})
    try:
        asyncio.run(server.ready())
        yield Live(server, oem, token)
    finally:
        server.stop()
        if server_pg is not None:
            server_pg.drop_database(name)


def test_every_operation_answers_within_its_contract(live: Live) -> None:
    schema = schemathesis.openapi.from_url(f"{live.server.url}/openapi.json")
    schema = schema.exclude(path=list(SPARED), method="DELETE")
    auth = Signer(live)
    failures: list[str] = []
    operations = 0
    answered: collections.Counter[tuple[str, int]] = collections.Counter()
    for found in schema.get_all_operations():
        operation = found.ok()
        operations += 1

        @settings(max_examples=25, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                              operation.as_strategy(GenerationMode.NEGATIVE)))
        def exercise(case: Any) -> None:
            response = case.call_and_validate(base_url=live.server.url, checks=CHECKS, auth=auth, timeout=30)
            answered[(case.path.split("/")[1], response.status_code // 100)] += 1

        try:
            exercise()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - every operation's failures, reported together
            failures.append(f"{operation.label}: {str(exc).strip()[:1500]}")
    assert operations > 40, "the document lists the whole API"
    assert answered[("v1", 2)] and answered[("ops", 2)], f"signed and bearer requests got through: {answered}"
    assert not failures, "\n\n".join(failures)
