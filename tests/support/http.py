"""An in-process HTTP client on a real app and a real database."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import TCPConnector
from aiohttp.test_utils import TestClient, TestServer

from carrier_gateway.app import create_app
from carrier_gateway.settings import Settings
from tests.support.tls import Tls

#: a guard, not a measure: how long a process may take to become ready before a test fails
READY_GUARD_SECONDS = 60.0


@contextlib.asynccontextmanager
async def app_client(db_url: str, *, tls: Tls | None = None, **settings: Any) -> AsyncIterator[TestClient]:
    """A client of the app; with ``tls``, the app is served over HTTPS and the client trusts its certificate."""
    app = create_app(Settings.load(environ={}, database_url=db_url, **settings))
    server = TestServer(app)
    if tls is None:
        async with TestClient(server) as client:
            yield client
        return
    await server.start_server(ssl=tls.server)
    async with TestClient(server, connector=TCPConnector(ssl=tls.client)) as client:
        yield client


async def until_ready(client: TestClient) -> None:
    """Wait until /readyz answers 200: a process started beside another one on the same
    database takes its share of the rate limits only then (carrier_gateway.fleet)."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + READY_GUARD_SECONDS
    while (resp := await client.get("/readyz")).status != 200:
        assert loop.time() < give_up, f"not ready: {await resp.text()}"
        await asyncio.sleep(0.05)
