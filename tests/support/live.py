"""The `carrier serve` app on a real port of 127.0.0.1, in the test's event loop (for a browser)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from aiohttp.test_utils import TestServer

from carrier_gateway.app import create_app
from carrier_gateway.settings import Settings


@contextlib.asynccontextmanager
async def live_app(db_url: str, **settings: Any) -> AsyncIterator[str]:
    """The base URL of the app while the block runs."""
    server = TestServer(create_app(Settings.load(environ={}, database_url=db_url, **settings)), host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()
