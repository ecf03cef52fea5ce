"""Webhook delivery from the outbox to a real local receiver that checks signatures."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest

from carrier_gateway.db import Database
from carrier_gateway.webhooks import DELIVERY_HEADER, EVENT_HEADER, NO_CALLBACK, NO_KEY, WebhookSender
from provisioning.cards import lifecycle, machine
from provisioning.enterprises import credentials
from provisioning.enterprises.registry import update_enterprise
from provisioning.outbox import queue
from provisioning.outbox.tables import outbox
from provisioning.privacy.keyring import Keyring
from tests.support.receiver import Receiver, receiver
from tests.support.world import ACTOR, Oem, build_oem

EVENT = {"event": "registration.verified", "registration_id": "r0000000000000000000001", "iccid": "898600",
         "status": "VERIFIED", "reasons": [], "occurred_at": "2026-11-20T02:00:00+00:00"}


@pytest.fixture
async def hook(db: Database, master_key: Keyring) -> AsyncIterator[tuple[Receiver, Oem]]:
    async with receiver() as rec:
        oem = await build_oem(db, master_key, cards=2, callback_url=rec.url)
        rec.secrets[oem.key_id] = oem.secret
        yield rec, oem


@pytest.fixture
async def sender(db: Database, master_key: Keyring) -> AsyncIterator[WebhookSender]:
    s = WebhookSender(db, master_key)
    try:
        yield s
    finally:
        await s.close()


async def _enqueue(db: Database, enterprise_id: int, body: dict[str, object] = EVENT) -> None:
    async with db.write() as conn:
        await queue.enqueue(conn, enterprise_id, str(body["event"]), body)


async def _rows(db: Database) -> list[tuple[str, int, str | None]]:
    async with db.read() as conn:
        rows = await conn.execute(outbox.select().order_by(outbox.c.id))
        return [(r.status, r.attempts, r.last_error) for r in rows]


async def test_a_delivery_is_signed_with_the_enterprises_key_over_the_callback_path(
        db: Database, hook: tuple[Receiver, Oem], sender: WebhookSender) -> None:
    rec, oem = hook
    await _enqueue(db, oem.enterprise_id)
    assert await sender.step() == 1
    (got,) = rec.accepted
    assert rec.refused == [] and got.key_id == oem.key_id and got.body == EVENT
    assert got.headers[EVENT_HEADER] == "registration.verified" and got.headers[DELIVERY_HEADER].isdigit()
    assert await _rows(db) == [("DELIVERED", 1, None)]
    assert await sender.step() == 0 and len(rec.attempts) == 1


async def test_two_failures_then_success_delivers_on_the_third_try(
        db: Database, hook: tuple[Receiver, Oem], sender: WebhookSender) -> None:
    rec, oem = hook
    rec.script = [500, 500]
    await _enqueue(db, oem.enterprise_id)
    t0 = time.time()
    assert await sender.step(now=t0) == 1
    assert await _rows(db) == [("PENDING", 1, "HTTP 500")]
    assert await sender.step(now=t0 + 1) == 0  # backing off: not due for 2 s
    assert await sender.step(now=t0 + 3) == 1
    assert await _rows(db) == [("PENDING", 2, "HTTP 500")]
    assert await sender.step(now=t0 + 6) == 0  # then 4 s
    assert await sender.step(now=t0 + 8) == 1
    assert [d.status for d in rec.attempts] == [500, 500, 200]
    assert [d.body for d in rec.accepted] == [EVENT]
    assert await _rows(db) == [("DELIVERED", 3, None)]


async def test_an_unreachable_receiver_is_a_failure_not_a_loss(db: Database, master_key: Keyring,
                                                              sender: WebhookSender) -> None:
    async with receiver() as rec:
        url = rec.url  # the port is closed once the receiver stops
    oem = await build_oem(db, master_key, cards=1, callback_url=url)
    await _enqueue(db, oem.enterprise_id)
    assert await sender.step() == 1
    ((status, attempts, error),) = await _rows(db)
    assert (status, attempts) == ("PENDING", 1) and error is not None and "Connect" in error


async def test_without_a_usable_key_or_callback_events_wait_then_go_once_configured(
        db: Database, master_key: Keyring, hook: tuple[Receiver, Oem], sender: WebhookSender) -> None:
    rec, oem = hook
    await _enqueue(db, oem.enterprise_id)
    async with db.write() as conn:
        await credentials.revoke_key(conn, oem.key_id, actor=ACTOR)
    t0 = time.time()
    assert await sender.step(now=t0) == 1
    assert await _rows(db) == [("PENDING", 1, NO_KEY)] and rec.attempts == [] and rec.refused == []
    async with db.write() as conn:
        fresh = await credentials.create_key(conn, master_key, oem.enterprise_id, actor=ACTOR)
        await update_enterprise(conn, oem.enterprise_id, actor=ACTOR, callback_url="")
    rec.secrets[fresh.key_id] = fresh.secret
    assert await sender.step(now=t0 + 10) == 1
    assert await _rows(db) == [("PENDING", 2, NO_CALLBACK)] and rec.attempts == []
    async with db.write() as conn:
        await update_enterprise(conn, oem.enterprise_id, actor=ACTOR, callback_url=rec.url)
    assert await sender.step(now=t0 + 100) == 1
    assert [d.key_id for d in rec.accepted] == [fresh.key_id]
    assert await _rows(db) == [("DELIVERED", 3, None)]


async def test_an_event_that_never_finds_a_key_goes_dead_and_ops_can_revive_it(
        db: Database, master_key: Keyring, hook: tuple[Receiver, Oem], sender: WebhookSender) -> None:
    rec, oem = hook
    await _enqueue(db, oem.enterprise_id)
    async with db.write() as conn:
        await credentials.revoke_key(conn, oem.key_id, actor=ACTOR)
    now = time.time()
    for _ in range(queue.MAX_ATTEMPTS):
        now += queue.MAX_BACKOFF_SECONDS + 1
        assert await sender.step(now=now) == 1
    assert await _rows(db) == [("DEAD", queue.MAX_ATTEMPTS, NO_KEY)]
    assert await sender.step(now=now + 10**6) == 0
    async with db.write() as conn:
        fresh = await credentials.create_key(conn, master_key, oem.enterprise_id, actor=ACTOR)
        assert await queue.retry_dead(conn, oem.enterprise_id) == 1
    rec.secrets[fresh.key_id] = fresh.secret
    assert await sender.step() == 1
    assert [d.body for d in rec.accepted] == [EVENT]


async def test_a_rolled_back_change_leaves_nothing_to_deliver(
        db: Database, hook: tuple[Receiver, Oem], sender: WebhookSender) -> None:
    rec, oem = hook
    async with db.write() as conn:
        await machine.record_outcome(conn, oem.iccids[0], "VERIFIED", registration_id="r-test", actor=ACTOR)
    with pytest.raises(RuntimeError, match="after the enqueue"):
        async with db.write() as conn:
            await lifecycle.suspend(conn, oem.iccids[0], cause="OPS", actor=ACTOR, reason="fraud check")
            assert (await queue.counts(conn)) == {"PENDING": 1}  # written, in this transaction
            raise RuntimeError("the change fails after the enqueue")
    assert await _rows(db) == []
    assert await sender.step(now=time.time() + 10**6) == 0 and rec.attempts == []


async def test_deliveries_are_bounded_per_enterprise(db: Database, master_key: Keyring) -> None:
    async with receiver(hold=0.05) as rec:
        oem = await build_oem(db, master_key, cards=1, callback_url=rec.url)
        rec.secrets[oem.key_id] = oem.secret
        for i in range(10):
            await _enqueue(db, oem.enterprise_id, {**EVENT, "registration_id": f"r{i}"})
        sender = WebhookSender(db, master_key, per_enterprise=3, batch_size=10)
        try:
            assert await sender.step() == 10
        finally:
            await sender.close()
    assert len(rec.accepted) == 10 and rec.max_in_flight <= 3
    assert sorted(d.body["registration_id"] for d in rec.accepted) == [f"r{i}" for i in range(10)]


def test_a_batch_that_could_outlast_its_lease_is_refused(master_key: Keyring) -> None:
    with pytest.raises(ValueError, match="lease"):
        WebhookSender(None, master_key, timeout=30, per_enterprise=1, batch_size=2)  # type: ignore[arg-type]
