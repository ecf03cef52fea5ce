"""An in-process HTTP client on a real app and a real database."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from carrier_gateway.app import create_app
from carrier_gateway.settings import Settings


@contextlib.asynccontextmanager
async def app_client(db_url: str, **settings: Any) -> AsyncIterator[TestClient]:
    app = create_app(Settings.load(environ={}, database_url=db_url, **settings))
    async with TestClient(TestServer(app)) as client:
        yield client
