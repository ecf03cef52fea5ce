"""Live progress on stderr, and waiting until the service has done its background work.

On a terminal one status line is redrawn a few times a second (phase, registrations
pushed, verified so far, rejected, pending, webhooks received); otherwise a line is
written when a phase ends and every few seconds, so a log stays readable.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TextIO

from sqlalchemy import func, select

from carrier_gateway.db import Database
from carrier_gateway.simulate.harness import Harness
from provisioning.outbox.tables import outbox
from provisioning.registrations.status import RegistrationStatus as RS
from provisioning.registrations.tables import registrations

POLL_SECONDS = 0.05


async def registration_counts(db: Database) -> dict[str, int]:
    async with db.read() as conn:
        rows = await conn.execute(select(registrations.c.status, func.count()).group_by(registrations.c.status))
        return {status: int(n) for status, n in rows.all()}


async def outbox_counts(db: Database) -> dict[str, int]:
    async with db.read() as conn:
        rows = await conn.execute(select(outbox.c.status, func.count()).group_by(outbox.c.status))
        return {status: int(n) for status, n in rows.all()}


class Progress:
    """The status line: redrawn in place on a terminal; elsewhere a new line when a
    phase ends (with its final figures) and at most every ``log_every`` seconds."""

    def __init__(self, stream: TextIO | None = None, *, live: bool | None = None, quiet: bool = False,
                 log_every: float = 2.0) -> None:
        self._stream = stream
        self.live = live
        self.quiet = quiet
        self.log_every = log_every
        self.name = "start"
        self._source: Callable[[], Awaitable[str]] | None = None
        self._drawn = False
        self._logged = ("", 0.0)

    @property
    def stream(self) -> TextIO:
        return self._stream or sys.stderr

    def _is_live(self) -> bool:
        if self.live is None:
            return bool(getattr(self.stream, "isatty", lambda: False)())
        return self.live

    async def phase(self, name: str, note: str = "") -> None:
        """End the current phase (showing its final figures) and start ``name``."""
        if self._source is not None:
            await self.refresh(final=True)
        self.name = name
        if note:
            self._show(f"[{name}] {note}", final=True)

    async def refresh(self, *, final: bool = False) -> None:
        if self._source is not None:
            self._show(f"[{self.name}] {await self._source()}", final=final)

    def _show(self, line: str, *, final: bool) -> None:
        if self._is_live():
            self._write("\r\x1b[2K" + line)
            self._drawn = True
            return
        last, at = self._logged
        if line != last and (final or time.monotonic() - at >= self.log_every):
            self._write(line + "\n")
            self._logged = (line, time.monotonic())

    def close(self) -> None:
        if self._drawn:
            self._write("\n")
            self._drawn = False

    def _write(self, text: str) -> None:
        if not self.quiet:
            self.stream.write(text)
            self.stream.flush()

    @contextlib.asynccontextmanager
    async def following(self, db: Database, extra: Callable[[], str], every: float = 0.25) -> AsyncIterator[None]:
        """Refresh the status line from the database while the body runs."""

        async def figures() -> str:
            counts = await registration_counts(db)
            verified = counts.get(RS.VERIFIED, 0) + counts.get(RS.SUPERSEDED, 0)
            return (f"pushed {sum(counts.values())}  verified {verified}  rejected {counts.get(RS.REJECTED, 0)}  "
                    f"pending {counts.get(RS.PENDING, 0)}  {extra()}")

        async def loop() -> None:
            while True:
                await asyncio.sleep(every)
                await self.refresh()

        self._source = figures
        task = asyncio.create_task(loop())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await self.refresh(final=True)
            self._source = None


async def settle(harness: Harness, *, stored: int, pending: int, timeout: float) -> bool:
    """Wait until at least ``stored`` registrations exist and at most ``pending`` of them
    are still PENDING (the ones the identity authority never answers for); False on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        counts = await registration_counts(harness.db)
        if sum(counts.values()) >= stored and counts.get(RS.PENDING, 0) <= pending:
            return True
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(POLL_SECONDS)


async def deliver(harness: Harness, *, timeout: float) -> bool:
    """Wait until the outbox has no PENDING event (each delivered or, after its retries, DEAD)."""
    deadline = time.monotonic() + timeout
    while True:
        if not (await outbox_counts(harness.db)).get("PENDING", 0):
            return True
        if time.monotonic() > deadline:
            return False
        harness.wake("webhooks")
        await asyncio.sleep(POLL_SECONDS * 2)
