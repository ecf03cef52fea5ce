"""Webhook delivery: send the outbox's events to each enterprise's callback URL.

One ``step()`` claims due events (leased, so a process that dies mid-delivery loses
nothing), POSTs each JSON body signed exactly like an OEM request (docs/oem-api.md#webhooks: the
enterprise's newest usable key id in ``X-Carrier-Key``, HMAC over ``POST``, the callback
URL's path with query, timestamp, nonce and the body hash), and settles every event in
one transaction: a 2xx answer is DELIVERED; anything else (another status, a redirect,
a timeout, a refused connection) is a failure the outbox retries with backoff, then
DEAD after its maximum attempts, where ``carrier webhooks retry`` revives it.

An event whose enterprise has no callback URL or no usable key *now* is never sent
unsigned or dropped: it fails like an unreachable receiver (``last_error`` says why),
so it is delivered once ops set the URL or a key, within the retry window.

Delivery is at least once: ``X-Carrier-Delivery`` (the event's id) lets a receiver
ignore a repeat.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import math
from typing import Any

import aiohttp
from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncConnection
from yarl import URL

from carrier_gateway.db import Database
from carrier_gateway.metrics import Metrics
from carrier_gateway.signing import signed_headers
from provisioning.audit.trail import Event, record
from provisioning.enterprises.credentials import signing_key
from provisioning.enterprises.registry import find_enterprise
from provisioning.outbox import queue
from provisioning.outbox.tables import outbox
from provisioning.privacy.keyring import Keyring

log = logging.getLogger("carrier.webhooks")

WEBHOOKS = "webhooks"
EVENT_HEADER = "X-Carrier-Event"
DELIVERY_HEADER = "X-Carrier-Delivery"
NO_CALLBACK = "no callback URL is set for this enterprise"
NO_KEY = "no usable API key to sign with: create one for this enterprise"


@dataclasses.dataclass(frozen=True)
class Target:
    """Where and how one enterprise's events are sent; ``problem`` when they cannot be."""

    url: URL | None = None
    key_id: str = ""
    secret: str = ""
    problem: str | None = None


class WebhookSender:
    """The ``webhooks`` worker's step. Owns one aiohttp ClientSession (made on first use,
    closed by :meth:`close` when the app stops)."""

    def __init__(self, db: Database, keyring: Keyring, *, timeout: float = 10.0, concurrency: int = 64,
                 per_enterprise: int = 16, batch_size: int = 64, metrics: Metrics | None = None) -> None:
        # worst case: every event of the batch is one enterprise's and each one times out;
        # the batch must still settle before its lease ends (else it would be sent twice)
        rounds = math.ceil(batch_size / min(concurrency, per_enterprise))
        if rounds * timeout >= queue.LEASE_SECONDS:
            raise ValueError(f"{batch_size} events, {min(concurrency, per_enterprise)} at a time, with a "
                             f"{timeout:g} s timeout could outlast the {queue.LEASE_SECONDS} s lease")
        self.db, self.keyring, self.metrics = db, keyring, metrics
        self.timeout, self.concurrency, self.per_enterprise = timeout, concurrency, per_enterprise
        self.batch_size = batch_size
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.timeout),
                connector=aiohttp.TCPConnector(limit=self.concurrency),
                headers={"User-Agent": "carrier-webhooks/1"})
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def step(self, *, now: float | None = None) -> int:
        """Deliver one batch of due events; returns how many were claimed. ``now`` (Unix
        seconds) is the outbox's clock for claiming and backoff (tests pass a later one
        to skip the wait); signatures always carry the real time."""
        async with self.db.write() as conn:
            messages = await queue.claim(conn, self.batch_size, now=now)
        if not messages:
            return 0
        async with self.db.read() as conn:
            targets = {e: await self._target(conn, e) for e in {m.enterprise_id for m in messages}}
        gate = asyncio.Semaphore(self.concurrency)
        per = {e: asyncio.Semaphore(self.per_enterprise) for e in targets}

        async def attempt(message: queue.Message) -> str | None:
            async with per[message.enterprise_id], gate:
                return await self._send(message, targets[message.enterprise_id])

        errors = await asyncio.gather(*(attempt(m) for m in messages))
        async with self.db.write() as conn:
            await queue.delivered_many(conn, [m.id for m, e in zip(messages, errors, strict=True) if e is None])
            for message, error in zip(messages, errors, strict=True):
                if error is not None:
                    await queue.failed(conn, message, error, now=now)
        for message, error in zip(messages, errors, strict=True):
            self._observe(message, error)
        return len(messages)

    async def _target(self, conn: AsyncConnection, enterprise_id: int) -> Target:
        ent = await find_enterprise(conn, enterprise_id)
        if ent is None or not ent.callback_url:
            return Target(problem=NO_CALLBACK)
        key = await signing_key(conn, self.keyring, enterprise_id)
        if key is None:
            return Target(problem=NO_KEY)
        try:
            url = URL(ent.callback_url)
        except ValueError:
            return Target(problem="the callback URL cannot be parsed")
        if url.scheme not in ("http", "https") or not url.host:
            return Target(problem="the callback URL is not an absolute http(s) URL")
        return Target(url, key.key_id, key.secret)

    async def _send(self, message: queue.Message, target: Target) -> str | None:
        """None when the receiver answered 2xx, else why not (no personal data)."""
        if target.url is None:
            return target.problem
        body = message.payload.encode("utf-8")
        headers = signed_headers(target.key_id, target.secret, "POST", target.url.raw_path_qs, body)
        headers.update({"Content-Type": "application/json", EVENT_HEADER: message.event,
                        DELIVERY_HEADER: str(message.id)})
        try:
            async with self._client().post(target.url, data=body, headers=headers, allow_redirects=False) as resp:
                if 200 <= resp.status < 300:
                    return None
                return f"HTTP {resp.status}"
        except TimeoutError:
            return f"no answer within {self.timeout:g} s"
        except aiohttp.ClientError as exc:
            return f"{type(exc).__name__}: {exc}"[:300]

    def _observe(self, message: queue.Message, error: str | None) -> None:
        outcome = "delivered" if error is None else "failed"
        if self.metrics is not None:
            self.metrics.events.labels(f"webhook.{outcome}").inc()
        if error is not None:
            log.warning("webhook delivery failed", extra={"delivery": message.id, "event": message.event,
                                                         "enterprise_id": message.enterprise_id,
                                                         "attempt": message.attempts + 1, "error": error})


async def delivery_status(conn: AsyncConnection, enterprise_id: int | None = None) -> list[dict[str, Any]]:
    """Per enterprise: events PENDING (of which ``retrying`` have failed at least once),
    DELIVERED and DEAD, and the latest undelivered event's error."""
    def count(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    query = (select(outbox.c.enterprise_id, count(outbox.c.status == "PENDING").label("pending"),
                    count((outbox.c.status == "PENDING") & (outbox.c.attempts > 0)).label("retrying"),
                    count(outbox.c.status == "DELIVERED").label("delivered"),
                    count(outbox.c.status == "DEAD").label("dead"),
                    func.max(case(((outbox.c.status != "DELIVERED") & outbox.c.last_error.is_not(None),
                                   outbox.c.id))).label("latest_failed"))
             .group_by(outbox.c.enterprise_id).order_by(outbox.c.enterprise_id))
    if enterprise_id is not None:
        query = query.where(outbox.c.enterprise_id == enterprise_id)
    rows = (await conn.execute(query)).all()
    failed_ids = [r.latest_failed for r in rows if r.latest_failed is not None]
    errors = dict((await conn.execute(select(outbox.c.id, outbox.c.last_error)
                                      .where(outbox.c.id.in_(failed_ids)))).all()) if failed_ids else {}
    return [{"enterprise_id": r.enterprise_id, "pending": int(r.pending), "retrying": int(r.retrying),
             "delivered": int(r.delivered), "dead": int(r.dead), "last_error": errors.get(r.latest_failed)}
            for r in rows]


async def retry_dead(conn: AsyncConnection, *, actor: str, enterprise_id: int | None = None) -> int:
    """Give DEAD events (of one enterprise, or all) a new round of attempts, now; audited."""
    revived = await queue.retry_dead(conn, enterprise_id)
    if revived:
        await record(conn, Event(actor, "webhooks.retried", "outbox", enterprise_id or "*", enterprise_id,
                                 {"events": revived}))
    return revived
