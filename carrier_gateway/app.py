"""The aiohttp application factory. Nothing connects or configures at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from importlib.metadata import PackageNotFoundError, version

from aiohttp import web

from carrier_gateway.api import all_routers
from carrier_gateway.appkeys import DB, KEYRING, OPENAPI, SETTINGS
from carrier_gateway.background import workers_context
from carrier_gateway.console.app import mount_console
from carrier_gateway.db import Database
from carrier_gateway.fleet import fleet_context
from carrier_gateway.metrics import METRICS, Metrics
from carrier_gateway.middleware import request_context
from carrier_gateway.oem import oem_context
from carrier_gateway.openapi import build_spec
from carrier_gateway.ops_auth import OpsAuthenticator
from carrier_gateway.proxy import trusted_forwarded_proto
from carrier_gateway.radius.context import radius_context
from carrier_gateway.routing import MAX_STREAM_BYTES, OPS_AUTHENTICATOR, Router, mount
from carrier_gateway.serving import IN_FLIGHT, InFlight
from carrier_gateway.settings import Settings
from provisioning.privacy.keyring import load_keyring


def package_version() -> str:
    try:
        return version("carrier-iov")
    except PackageNotFoundError:  # running from a source tree without install
        return "0+unknown"


def routers() -> list[Router]:
    return all_routers()


async def _database(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    app[KEYRING] = load_keyring(settings.master_key_path)
    db = Database(settings.database_url, sqlite_synchronous=settings.sqlite_synchronous)
    app[DB] = db
    app[OPS_AUTHENTICATOR] = OpsAuthenticator(db)
    try:
        yield
    finally:
        await db.dispose()


def create_app(settings: Settings) -> web.Application:
    # lingering_time=0: a request refused from its headers (unauthenticated, too many
    # uploads...) is answered and its connection closed without reading the rest of its
    # body; aiohttp's default reads and discards up to 10 s more of it.
    # behind a TLS-terminating proxy the request's scheme may follow X-Forwarded-Proto, when
    # a setting says every request comes through that proxy (carrier_gateway.proxy)
    proxied = [trusted_forwarded_proto] if settings.trust_forwarded_proto else []
    app = web.Application(middlewares=[*proxied, request_context], client_max_size=settings.max_body_bytes,
                          handler_args={"lingering_time": 0.0})
    app[SETTINGS] = settings
    app[MAX_STREAM_BYTES] = settings.max_job_bytes
    app[METRICS] = Metrics()
    app[IN_FLIGHT] = InFlight()
    app.cleanup_ctx.append(_database)
    app.cleanup_ctx.append(fleet_context)
    app.cleanup_ctx.append(oem_context)
    app.cleanup_ctx.append(workers_context)
    app.cleanup_ctx.append(radius_context)  # after the workers: a suspension wakes the webhooks
    endpoints = mount(app, routers())
    mount_console(app)  # HTML pages under /console/: not API operations, not in /openapi.json
    app[OPENAPI] = build_spec(endpoints, version=package_version())
    return app
