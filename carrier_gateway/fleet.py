"""The running `carrier serve` processes of one database, and this process's share of a
limit that must hold for all of them together (an enterprise's request rate).

Each process writes a heartbeat row every ``interval`` seconds and counts the rows seen
within the last three intervals: with N live processes its share is 1/N. Nothing is read
per request. The shares never add up to more than 1:
- a process that joins takes no share until every other live process has beaten since its
  row was committed (so each of them counts it and has already cut its own share): at
  most two heartbeats;
- a process whose own heartbeat is two intervals old takes no share (the others may soon
  stop counting it) until a heartbeat succeeds again; after three it joins anew;
- a process that stops deletes its row once its last request is answered; one that dies
  keeps being counted until its row is three intervals old (the others are then briefly
  below the limit, never above it).
Heartbeats are wall-clock times from each process, so the hosts' clocks must agree to well
within an interval (NTP), as the request timestamps already require.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable

from aiohttp import web
from sqlalchemy import delete, select, update

from carrier_gateway.appkeys import DB, SETTINGS
from carrier_gateway.db import Database
from carrier_gateway.tables import serve_processes

log = logging.getLogger("carrier.fleet")
#: rows this many intervals old are deleted (a dead process's; long past being counted)
_FORGET_AFTER = 100


def _ms(seconds: float) -> int:
    return int(seconds * 1000)


class Fleet:
    def __init__(self, db: Database, *, interval: float, clock: Callable[[], float] = time.time) -> None:
        self.id = uuid.uuid4().hex
        self.interval = interval
        self._db = db
        self._clock = clock
        #: live processes counted at the last heartbeat, this one included
        self.live = 0
        self._beat_at: float | None = None  # the time written by the last heartbeat that succeeded
        self._joined_at = 0.0  # when this process's row was (re)committed
        self._welcomed = False  # every other live process has counted this one since

    @property
    def ttl(self) -> float:
        """A process whose heartbeat is older than this is not counted."""
        return 3 * self.interval

    def share(self, now: float | None = None) -> float:
        """This process's fraction of a service-wide limit (0: none for now)."""
        if not self._welcomed or self._beat_at is None:
            return 0.0
        now = self._clock() if now is None else now
        if now - self._beat_at >= self.ttl - self.interval:
            return 0.0
        return 1.0 / self.live

    async def beat(self) -> None:
        """Write this process's heartbeat and count the live processes."""
        now = self._clock()
        rejoining = self._beat_at is None or now - self._beat_at >= self.ttl
        async with self._db.write() as conn:
            updated = await conn.execute(update(serve_processes).where(serve_processes.c.id == self.id)
                                         .values(seen_ms=_ms(now)))
            if updated.rowcount == 0:
                await conn.execute(serve_processes.insert().values(id=self.id, seen_ms=_ms(now)))
            others = [r.seen_ms for r in await conn.execute(select(serve_processes.c.seen_ms).where(
                serve_processes.c.id != self.id, serve_processes.c.seen_ms >= _ms(now - self.ttl)))]
            await conn.execute(delete(serve_processes).where(
                serve_processes.c.seen_ms < _ms(now - _FORGET_AFTER * self.interval)))
        if rejoining:
            # A heartbeat written after this instant was written by a process that, in
            # the same transaction, counted this one.
            self._joined_at, self._welcomed = self._clock(), False
        self._beat_at, self.live = now, len(others) + 1
        if not self._welcomed:
            self._welcomed = all(seen > _ms(self._joined_at) for seen in others)

    async def leave(self) -> None:
        self._welcomed = False
        async with self._db.write() as conn:
            await conn.execute(delete(serve_processes).where(serve_processes.c.id == self.id))

    async def try_beat(self) -> None:
        try:
            await self.beat()
        except Exception:  # the database may be away (or not set up) for a while: no share meanwhile
            log.warning("heartbeat failed", exc_info=True)

    async def run(self) -> None:
        """Heartbeats until cancelled; a failed one is logged and retried at the next."""
        while True:
            await asyncio.sleep(self.interval)
            await self.try_beat()


FLEET = web.AppKey("fleet", Fleet)


async def fleet_context(app: web.Application) -> AsyncIterator[None]:
    """Join before the first request is served; leave after the last one is answered."""
    fleet = Fleet(app[DB], interval=app[SETTINGS].heartbeat_seconds)
    await fleet.try_beat()
    app[FLEET] = fleet
    task = asyncio.create_task(fleet.run(), name="fleet-heartbeat")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        try:
            await fleet.leave()
        except Exception:  # the row then ages out like a dead process's
            log.warning("could not remove this process's heartbeat", exc_info=True)
