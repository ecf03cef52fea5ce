"""The RADIUS server's place in `carrier serve`: started with the app when a RADIUS port
is set (``--radius-auth-port``/``--radius-acct-port``; 0 takes any free port, see
``RADIUS.ports``), stopped before the database closes."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from carrier_gateway.appkeys import DB, KEYRING, SETTINGS
from carrier_gateway.background import WORKERS
from carrier_gateway.metrics import METRICS
from carrier_gateway.radius.clients import ClientTable
from carrier_gateway.radius.handlers import Handlers
from carrier_gateway.radius.metrics import RadiusMetrics
from carrier_gateway.radius.server import RadiusServer
from carrier_gateway.webhooks import WEBHOOKS

RADIUS = web.AppKey("radius", RadiusServer)


async def radius_context(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    if settings.radius_auth_port is None and settings.radius_acct_port is None:
        yield
        return
    metrics = RadiusMetrics(app[METRICS].registry)
    handlers = Handlers(app[DB], metrics, on_suspended=lambda: app[WORKERS].wake(WEBHOOKS))
    server = RadiusServer(handlers, ClientTable(app[DB], app[KEYRING]), metrics)
    await server.start(settings.host, auth_port=settings.radius_auth_port, acct_port=settings.radius_acct_port)
    app[RADIUS] = server
    try:
        yield
    finally:
        await server.stop(settings.shutdown_timeout)
