"""The real service and the OEMs' webhook receiver, both listening on 127.0.0.1 in this
event loop, so every request of the simulation goes over a real socket."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator

from aiohttp import web

from carrier_gateway.app import create_app
from carrier_gateway.appkeys import DB, KEYRING
from carrier_gateway.background import WORKERS
from carrier_gateway.db import Database
from carrier_gateway.settings import Settings
from carrier_gateway.simulate.receiver import WebhookReceiver
from provisioning.privacy.keyring import Keyring

HOST = "127.0.0.1"


@dataclasses.dataclass
class Harness:
    app: web.Application
    base_url: str
    hooks_url: str

    @property
    def db(self) -> Database:
        return self.app[DB]

    @property
    def keyring(self) -> Keyring:
        return self.app[KEYRING]

    def wake(self, worker: str) -> None:
        """Nudge a background worker of the in-process service (it would find the work
        on its next idle poll anyway; this only saves the wait)."""
        self.app[WORKERS].wake(worker)


async def _listen(app: web.Application, port: int) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=5.0)
    await runner.setup()
    site = web.TCPSite(runner, HOST, port)
    try:
        await site.start()
    except OSError:
        await runner.cleanup()
        raise
    return runner, runner.addresses[0][1]


@contextlib.asynccontextmanager
async def serving(settings: Settings, receiver: WebhookReceiver, *, port: int = 0) -> AsyncIterator[Harness]:
    """Start the receiver, then the service (``port`` 0: any free port); stop both after."""
    hooks, hooks_port = await _listen(receiver.app(), 0)
    try:
        app = create_app(settings)
        service, service_port = await _listen(app, port)
        try:
            yield Harness(app, f"http://{HOST}:{service_port}", f"http://{HOST}:{hooks_port}/hooks")
        finally:
            await service.cleanup()
    finally:
        await hooks.cleanup()
