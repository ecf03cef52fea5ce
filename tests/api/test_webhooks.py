"""Webhooks end to end: the running service verifies pushes and a real receiver gets
one signed webhook per outcome; IMEI changes announce suspensions; ops see and retry."""

from __future__ import annotations

import asyncio
import random
import time

from carrier_gateway.client import ApiError, OemClient, OpsClient
from carrier_gateway.db import Database
from carrier_gateway.webhooks import WebhookSender
from provisioning.cards import lifecycle, machine
from provisioning.enterprises import credentials
from provisioning.outbox import queue
from provisioning.privacy.keyring import Keyring
from tests.api.provisioning.helpers import tokens
from tests.support.cli import carrier
from tests.support.http import app_client
from tests.support.receiver import receiver
from tests.support.world import ACTOR, build_oem, individual

BODY_KEYS = {"event", "registration_id", "iccid", "status", "reasons", "occurred_at"}


async def test_a_verified_and_a_rejected_registration_each_deliver_one_signed_webhook(
        db_url: str, db: Database, master_key: Keyring) -> None:
    rng = random.Random(11)
    async with receiver() as rec:
        oem = await build_oem(db, master_key, cards=2, callback_url=rec.url)
        rec.secrets[oem.key_id] = oem.secret
        good = individual(rng, iccid=oem.iccids[0])
        expired = individual(rng, iccid=oem.iccids[1])
        expired["subject"]["id_expires"] = "2001-01-01"
        async with app_client(db_url, sandbox=True) as http:
            client = OemClient(str(http.make_url("")), oem.key_id, oem.secret, session=http.session)
            ok = (await client.push(good))["registration_id"]
            no = (await client.push(expired))["registration_id"]
            got = await rec.wait_for(2)
        sender = WebhookSender(db, master_key)
        try:
            assert await sender.step(now=time.time() + 10**6) == 0  # nothing left, nothing due later
        finally:
            await sender.close()
    assert rec.refused == [] and len(rec.attempts) == 2
    by_id = {d.body["registration_id"]: d for d in got}
    assert set(by_id) == {ok, no}
    assert all(set(d.body) == BODY_KEYS and d.key_id == oem.key_id for d in got)
    assert by_id[ok].body["event"] == "registration.verified" and by_id[ok].body["status"] == "VERIFIED"
    assert by_id[ok].body["reasons"] == [] and by_id[ok].body["iccid"] == oem.iccids[0]
    assert by_id[no].body["event"] == "registration.rejected" and by_id[no].body["status"] == "REJECTED"
    assert [r["code"] for r in by_id[no].body["reasons"]] == ["ID_EXPIRED"]
    raw = str([d.body for d in got])
    assert good["subject"]["name"] not in raw and good["subject"]["id_number"] not in raw
    async with db.read() as conn:
        assert await queue.counts(conn) == {"DELIVERED": 2}


async def test_an_imei_change_on_the_network_sends_card_suspended(db_url: str, db: Database,
                                                                  master_key: Keyring) -> None:
    async with receiver() as rec:
        oem = await build_oem(db, master_key, cards=1, callback_url=rec.url)
        rec.secrets[oem.key_id] = oem.secret
        async with db.write() as conn:
            await machine.record_outcome(conn, oem.iccids[0], "VERIFIED", registration_id="r-sold", actor=ACTOR,
                                     imei="356938035643809")
        ops = (await tokens(db_url, "ops"))["ops"]
        async with app_client(db_url, sandbox=True) as http:
            net = OpsClient(str(http.make_url("")), ops["Authorization"].split()[1], session=http.session)
            answer = await net.authorize(oem.iccids[0], "data", "10.20.0.1", imei="490154203237518")
            (got,) = await rec.wait_for(1)
    assert answer["allowed"] is False and answer["state"] == "SUSPENDED"
    assert got.body["event"] == "card.suspended" and got.body["status"] == "SUSPENDED"
    assert got.body["iccid"] == oem.iccids[0] and got.body["registration_id"] == "r-sold"
    assert [r["code"] for r in got.body["reasons"]] == ["IMEI_CHANGE"] and set(got.body) == BODY_KEYS


async def test_no_callback_url_means_no_event(db: Database, master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=1)
    async with db.write() as conn:
        await machine.record_outcome(conn, oem.iccids[0], "VERIFIED", registration_id="r-sold", actor=ACTOR)
        await lifecycle.suspend(conn, oem.iccids[0], cause="OPS", actor=ACTOR, reason="check")
        assert await queue.counts(conn) == {}


async def test_ops_see_delivery_status_and_revive_dead_events(db_url: str, db: Database,
                                                              master_key: Keyring) -> None:
    async with receiver() as rec:
        oem = await build_oem(db, master_key, cards=1, callback_url=rec.url)
        async with db.write() as conn:
            await queue.enqueue(conn, oem.enterprise_id, "card.suspended", {"event": "card.suspended"})
            await credentials.revoke_key(conn, oem.key_id, actor=ACTOR)
        sender = WebhookSender(db, master_key)
        try:
            now = time.time()
            for _ in range(queue.MAX_ATTEMPTS):
                now += queue.MAX_BACKOFF_SECONDS + 1
                await sender.step(now=now)
        finally:
            await sender.close()
        status = await asyncio.to_thread(carrier, "webhooks", "status", "--json", "--database-url", db_url)
        assert status.code == 0, status.err
        (row,) = status.json()["items"]
        assert row == {"enterprise_id": oem.enterprise_id, "pending": 0, "retrying": 0, "delivered": 0,
                       "dead": 1, "last_error": "no usable API key to sign with: create one for this enterprise"}
        async with db.write() as conn:
            fresh = await credentials.create_key(conn, master_key, oem.enterprise_id, actor=ACTOR)
        rec.secrets[fresh.key_id] = fresh.secret
        roles = await tokens(db_url)
        async with app_client(db_url, sandbox=True) as http:
            listed = await http.get("/ops/v1/webhooks", headers=roles["ops"])
            assert listed.status == 200 and (await listed.json())["items"] == [row]
            for role in ("auditor", "regulator"):
                refused = await http.post("/ops/v1/webhooks/retry", json={}, headers=roles[role])
                assert refused.status == 403
            retried = await http.post("/ops/v1/webhooks/retry", json={"enterprise_id": oem.enterprise_id},
                                      headers=roles["ops"])
            assert (await retried.json()) == {"retried": 1}
            (got,) = await rec.wait_for(1)  # the running worker sends it, signed with the new key
    assert got.key_id == fresh.key_id
    again = await asyncio.to_thread(carrier, "webhooks", "retry", "--json", "--database-url", db_url)
    assert again.code == 0 and again.json() == {"retried": 0}
    done = await asyncio.to_thread(carrier, "webhooks", "status", "--enterprise", str(oem.enterprise_id),
                                   "--database-url", db_url)
    header, _, line = done.out.splitlines()
    assert "DELIVERED" in header and line.split()[:5] == [str(oem.enterprise_id), "0", "0", "1", "0"]


async def test_ops_webhook_endpoints_refuse_other_roles(db_url: str) -> None:
    roles = await tokens(db_url)
    async with app_client(db_url) as http:
        for role in ("auditor", "regulator"):
            resp = await http.get("/ops/v1/webhooks", headers=roles[role])
            assert resp.status == 403 and (await resp.json())["code"] == "ROLE_FORBIDDEN"
        try:
            await OpsClient(str(http.make_url("")), "cop_wrong", session=http.session).get("/ops/v1/webhooks")
        except ApiError as exc:
            assert exc.status == 401
        else:
            raise AssertionError("an unknown token was accepted")
