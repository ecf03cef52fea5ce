"""Background work of a `carrier serve` process: verification, job ingestion, card
orders, webhook delivery, expiry of nonces and number quarantine, and on PostgreSQL the
planner's statistics. Any number of processes may run it against one database: every
piece of work is claimed in the database."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from aiohttp import web

from carrier_gateway.appkeys import DB, HANDOFF, KEYRING, SETTINGS
from carrier_gateway.db import Database
from carrier_gateway.jobs_worker import add_job_workers
from carrier_gateway.metrics import METRICS
from carrier_gateway.oem import AUTHORITY, NONCES
from carrier_gateway.planstats import INTERVAL_SECONDS, autovacuum_is_off, refresh_statistics
from carrier_gateway.webhooks import WEBHOOKS, WebhookSender
from carrier_gateway.workers import Worker, Workers
from numbering.msisdn import segments
from provisioning.cards.runner import OrderRunner
from provisioning.registrations import queue
from provisioning.registrations.handoff import Handoff
from provisioning.registrations.verify import Verifier

log = logging.getLogger("carrier.workers")

WORKERS = web.AppKey("workers", Workers)
VERIFY = "verify"
ORDERS = "orders"


async def workers_context(app: web.Application) -> AsyncIterator[None]:
    settings, db = app[SETTINGS], app[DB]
    workers = Workers()
    app[WORKERS] = workers
    sender: WebhookSender | None = None
    policy = settings.policy()
    # what this process accepts goes to its own verifier; a process without one holds nothing
    handoff = app[HANDOFF] = Handoff(lease_seconds=policy.lease_seconds,
                                     limit=Handoff.LIMIT if settings.workers > 0 else 0)
    if settings.workers > 0:
        verifier = Verifier(write=db.write, keyring=app[KEYRING], authority=app[AUTHORITY],
                            policy=policy, batch_size=settings.verify_batch(db.dialect),
                            on_events=lambda n: workers.wake("webhooks"), handoff=handoff)

        metrics = app[METRICS]

        async def verify_step() -> int:
            result = await verifier.step()
            if result.failed:  # retried with back-off; past the bound, given up (visible as REJECTED)
                metrics.events.labels("registration.verify_failed").inc(result.failed)
            if result.given_up:
                metrics.events.labels("registration.given_up").inc(result.given_up)
            return result.claimed

        for _ in range(settings.workers):
            workers.add(Worker(VERIFY, verify_step, idle_seconds=0.2, max_idle_seconds=2.0))
        nonces = app[NONCES]
        workers.add(Worker("nonce-expiry", nonces.purge, idle_seconds=60, max_idle_seconds=60))

        async def expire_quarantine() -> int:  # numbers whose cooling-off ended go back to their block
            async with db.write() as conn:
                return await segments.expire_quarantine(conn)

        workers.add(Worker("quarantine-expiry", expire_quarantine, idle_seconds=600, max_idle_seconds=3600))
        # one per process: issuing is database-bound; N processes share the open orders
        workers.add(Worker(ORDERS, OrderRunner(db.write).step, idle_seconds=0.5, max_idle_seconds=5.0))
        add_job_workers(workers, db, app[KEYRING], settings, on_created=lambda n: workers.wake(VERIFY),
                        on_given_up=lambda claim: metrics.events.labels("job_chunk.given_up").inc())
        sender = WebhookSender(db, app[KEYRING], metrics=app[METRICS])
        workers.add(Worker(WEBHOOKS, sender.step, idle_seconds=0.5, max_idle_seconds=5.0))
        if db.dialect == "postgresql":
            await _planner_statistics(workers, db)
    workers.start()
    try:
        yield
    finally:
        await workers.stop(timeout=settings.shutdown_timeout)
        if handoff.size:  # not verified here: due now for any verifier, not after a lease
            try:
                async with db.write() as conn:
                    await queue.release(conn, handoff.drain())
            except Exception as exc:  # noqa: BLE001 - stopping goes on: the rows come back when their lease ends
                log.warning("could not release handed-off registrations", extra={"error": type(exc).__name__})
        if sender is not None:  # after the workers: a delivery in progress finishes first
            await sender.close()


async def _planner_statistics(workers: Workers, db: Database) -> None:
    """Keep PostgreSQL's planner statistics fresh (carrier_gateway/planstats.py), and say
    at start-up when the server runs without autovacuum."""
    async with db.read() as conn:
        if await autovacuum_is_off(conn):
            log.warning("autovacuum is off on this PostgreSQL server: carrier keeps the planner's statistics "
                        "fresh itself, but dead rows are removed only by a VACUUM someone runs")

    async def analyse() -> int:
        async with db.write() as conn:
            await refresh_statistics(conn)
        return 0  # every interval, never at once again

    workers.add(Worker("planner-statistics", analyse, idle_seconds=INTERVAL_SECONDS, max_idle_seconds=INTERVAL_SECONDS))
