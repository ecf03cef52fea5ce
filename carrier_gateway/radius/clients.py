"""The RADIUS clients as the server sees them: read from the database with their secrets
opened, refreshed every few seconds, so `carrier nas add|remove` reaches a running server
without a restart."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy.exc import DBAPIError

from carrier_gateway.db import Database, DatabaseError
from provisioning.network import nas
from provisioning.privacy.keyring import Keyring, KeyringError

log = logging.getLogger("carrier.radius")


class ClientTable:
    def __init__(self, db: Database, keyring: Keyring, *, refresh_seconds: float = 2.0) -> None:
        self._db, self._keyring, self._every = db, keyring, refresh_seconds
        self._clients: list[nas.Client] = []
        self._task: asyncio.Task[None] | None = None

    def match(self, address: str) -> nas.Client | None:
        return nas.match(self._clients, address)

    async def refresh(self) -> None:
        async with self._db.read() as conn:
            self._clients = await nas.load_clients(conn, self._keyring)

    async def start(self) -> None:
        await self.refresh()
        self._task = asyncio.create_task(self._loop(), name="radius-clients")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self._every)
            try:
                await self.refresh()
            except (DatabaseError, DBAPIError, KeyringError, OSError) as exc:  # keep the last known clients
                log.warning("RADIUS clients not refreshed", extra={"error": str(exc)})
