"""`carrier serve` processes for robustness tests, and what the database says about
who decided what (audit trail, card history, outbox)."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from carrier_gateway.db import Database
from provisioning.audit.tables import audit_log
from provisioning.cards.tables import card_history
from provisioning.outbox.tables import outbox
from provisioning.registrations.tables import registrations
from tests.support.cli import carrier_bin

#: generous: these tests must never flake on a loaded 2-core machine
WAIT_SECONDS = 180.0
#: an enterprise callback that nobody answers: events stay in the outbox, countable
DEAD_CALLBACK = "http://127.0.0.1:9/carrier-events"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `carrier serve --sandbox` process on ``db_url`` with extra environment."""

    def __init__(self, db_url: str, workdir: Path, name: str, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / f"{name}.log"
        full_env = {**os.environ, "CARRIER_RATE_LIMIT": "0", **env}
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(
                [*carrier_bin(), "serve", "--sandbox", "--port", str(self.port), "--database-url", db_url],
                cwd=workdir, env=full_env, stdout=out, stderr=subprocess.STDOUT)

    @property
    def pid(self) -> int:
        return self.proc.pid

    async def ready(self) -> Server:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()[-2000:]
            if await asyncio.to_thread(self._answers):
                return self
            await asyncio.sleep(0.1)
        raise AssertionError(f"server did not become ready:\n{self.log.read_text()[-2000:]}")

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/readyz", timeout=2) as resp:
                return resp.status == 200
        except OSError:
            return False

    def kill(self) -> None:
        """SIGKILL: no shutdown of any kind (claims stay leased, nothing is flushed)."""
        self.proc.kill()
        self.proc.wait(timeout=WAIT_SECONDS)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=WAIT_SECONDS)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@contextlib.contextmanager
def servers(*started: Server) -> Iterator[tuple[Server, ...]]:
    try:
        yield started
    finally:
        for server in started:
            server.stop()


async def status_counts(db: Database) -> dict[str, int]:
    async with db.read() as conn:
        rows = await conn.execute(select(registrations.c.status, func.count()).group_by(registrations.c.status))
        return {status: n for status, n in rows}


async def wait_for(db: Database, done: Any, what: str) -> dict[str, int]:
    """Poll the status counts until ``done(counts)``; generous timeout, short interval."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        counts = await status_counts(db)
        if done(counts):
            return counts
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}: {await status_counts(db)}")


async def decisions(db: Database) -> tuple[collections.Counter[str], dict[str, set[str]]]:
    """From the audit trail's verify_batch entries: how often each registration was
    decided (verified or rejected), and which actors decided which registrations."""
    times: collections.Counter[str] = collections.Counter()
    by_actor: dict[str, set[str]] = collections.defaultdict(set)
    async with db.read() as conn:
        rows = await conn.execute(select(audit_log.c.actor, audit_log.c.detail)
                                  .where(audit_log.c.action == "registration.verify_batch"))
        for row in rows:
            detail = json.loads(row.detail)
            for entry in detail.get("verified", []) + detail.get("rejected", []):
                times[entry[0]] += 1
                by_actor[row.actor].add(entry[0])
    return times, dict(by_actor)


async def activations(db: Database) -> collections.Counter[str]:
    """Moves to ACTIVE per card, from the card history."""
    async with db.read() as conn:
        rows = await conn.execute(select(card_history.c.iccid).where(card_history.c.to_state == "ACTIVE"))
        return collections.Counter(row.iccid for row in rows)


async def outcome_events(db: Database) -> collections.Counter[str]:
    """Registration result events in the outbox, per registration id."""
    async with db.read() as conn:
        rows = await conn.execute(select(outbox.c.event, outbox.c.payload)
                                  .where(outbox.c.event.like("registration.%")))
        return collections.Counter(json.loads(row.payload)["registration_id"] for row in rows)


async def final_states(db: Database) -> dict[str, tuple[str, str | None]]:
    """registration id -> (status, iccid)."""
    async with db.read() as conn:
        rows = await conn.execute(select(registrations.c.id, registrations.c.status, registrations.c.iccid))
        return {row.id: (row.status, row.iccid) for row in rows}
