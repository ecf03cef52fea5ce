"""The OEM registration flow over signed HTTP on a real database."""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

import pytest
from sqlalchemy import func, select

from carrier_gateway.client import ApiError, OemClient
from carrier_gateway.db import Database
from carrier_gateway.signing import signed_headers
from carrier_gateway.tables import oem_nonces
from provisioning.enterprises.credentials import revoke_key
from provisioning.privacy.keyring import Keyring
from provisioning.registrations.tables import registrations
from tests.support.http import app_client
from tests.support.world import Oem, build_oem, individual


async def _until_decided(oem: OemClient, registration_id: str, timeout: float = 10.0) -> dict[str, Any]:
    for _ in range(int(timeout / 0.02)):
        view = await oem.registration(registration_id)
        if view["status"] != "PENDING":
            return view
        await asyncio.sleep(0.02)
    raise AssertionError(f"registration {registration_id} still PENDING")


@pytest.fixture
async def world(db: Database, master_key: Keyring) -> Oem:
    return await build_oem(db, master_key, cards=6)


async def test_a_valid_sale_is_verified_and_activates_the_card(db_url: str, world: Oem) -> None:
    rng = random.Random(1)
    async with app_client(db_url, sandbox=True) as http:
        oem = OemClient(str(http.make_url("")), world.key_id, world.secret, session=http.session)
        accepted = await oem.push(individual(rng, iccid=world.iccids[0]))
        assert accepted["status"] == "PENDING"
        view = await _until_decided(oem, accepted["registration_id"])
        assert view["status"] == "VERIFIED" and view["reasons"] == []
        assert view["subject"]["id_number"].count("*") == 8
        card = await oem.card(world.iccids[0])
    assert card["state"] == "ACTIVE" and card["real_name_status"] == "VERIFIED"
    assert card["services"]["data"]["allowed"] is True


async def test_unsigned_and_replayed_requests_are_401(db_url: str, world: Oem) -> None:
    async with app_client(db_url, sandbox=True) as http:
        resp = await http.get(f"/v1/cards/{world.iccids[0]}")
        assert resp.status == 401 and (await resp.json())["code"] == "UNAUTHENTICATED"
        from carrier_gateway.signing import signed_headers
        headers = signed_headers(world.key_id, world.secret, "GET", f"/v1/cards/{world.iccids[0]}", b"")
        first = await http.get(f"/v1/cards/{world.iccids[0]}", headers=headers)
        again = await http.get(f"/v1/cards/{world.iccids[0]}", headers=headers)
        assert first.status == 200 and again.status == 401
        assert "already used" in (await again.json())["detail"]
        wrong = signed_headers(world.key_id, "not-the-secret", "GET", "/v1/cards", b"")
        assert (await http.get("/v1/cards", headers=wrong)).status == 401
        old = signed_headers(world.key_id, world.secret, "GET", "/v1/cards", b"", now=1_000_000_000)
        resp = await http.get("/v1/cards", headers=old)
        assert resp.status == 401 and "server clock" in (await resp.json())["detail"]


async def test_single_push_with_idempotency_key_makes_one_registration(db_url: str, world: Oem) -> None:
    record = individual(random.Random(2), iccid=world.iccids[1])
    async with app_client(db_url, sandbox=True) as http:
        oem = OemClient(str(http.make_url("")), world.key_id, world.secret, session=http.session)
        first, second = await asyncio.gather(oem.push(record, idempotency_key="sale-1"),
                                             oem.push(record, idempotency_key="sale-1"))
        third = await oem.push(record)  # no key: the natural key finds it
        assert first["registration_id"] == second["registration_id"] == third["registration_id"]
        changed = {**record, "vin": "LSVAU2187N2123456"}
        with pytest.raises(ApiError) as err:
            await oem.push(changed, idempotency_key="sale-1")
        assert err.value.status == 409 and err.value.code == "IDEMPOTENCY_KEY_REUSED"


async def test_batch_records_stand_alone(db_url: str, world: Oem) -> None:
    rng = random.Random(3)
    good = individual(rng, iccid=world.iccids[2])
    bad_schema = {"iccid": world.iccids[3], "stage": "AT_SALE"}
    expired = individual(rng, iccid=world.iccids[4])
    expired["subject"]["id_expires"] = "2001-01-01"
    async with app_client(db_url, sandbox=True) as http:
        oem = OemClient(str(http.make_url("")), world.key_id, world.secret, session=http.session)
        out = await oem.push_batch([good, bad_schema, expired, good])
        results = out["results"]
        assert [r["index"] for r in results] == [0, 1, 2, 3]
        assert results[1]["status"] == "REJECTED" and results[1]["registration_id"] is None
        assert {e["code"] for e in results[1]["errors"]} == {"SCHEMA_INVALID"}
        assert results[0]["registration_id"] == results[3]["registration_id"]
        ok = await _until_decided(oem, results[0]["registration_id"])
        no = await _until_decided(oem, results[2]["registration_id"])
    assert ok["status"] == "VERIFIED"
    assert no["status"] == "REJECTED" and [r["code"] for r in no["reasons"]] == ["ID_EXPIRED"]


async def test_another_enterprises_objects_are_404(db_url: str, db: Database, master_key: Keyring,
                                                   world: Oem) -> None:
    other = await build_oem(db, master_key, cards=1, seed=7)
    async with app_client(db_url, sandbox=True) as http:
        mine = OemClient(str(http.make_url("")), world.key_id, world.secret, session=http.session)
        theirs = OemClient(str(http.make_url("")), other.key_id, other.secret, session=http.session)
        accepted = await mine.push(individual(random.Random(4), iccid=world.iccids[5]))
        for call in (theirs.registration(accepted["registration_id"]), theirs.card(world.iccids[5])):
            with pytest.raises(ApiError) as err:
                await call
            assert err.value.status == 404
        with pytest.raises(ApiError) as missing:
            await theirs.registration("r00000000000nonexistent")
        assert missing.value.status == 404
        listed = [c async for c in theirs.cards()]
        assert [c["iccid"] for c in listed] == other.iccids


async def test_a_single_push_spends_its_nonce_in_the_commit_that_stores_it(db_url: str, world: Oem) -> None:
    """The same signed push sent twice at once: one is stored, the other is a replay (401)
    and stores nothing; the nonce is spent once, in the same table every process reads."""
    body = json.dumps(individual(random.Random(9), iccid=world.iccids[2])).encode()
    headers = {**signed_headers(world.key_id, world.secret, "POST", "/v1/registrations", body),
               "Content-Type": "application/json"}
    async with app_client(db_url, sandbox=True) as http:
        answers = await asyncio.gather(*(http.post("/v1/registrations", data=body, headers=headers)
                                         for _ in range(2)))
        statuses = sorted(a.status for a in answers)
        assert statuses == [202, 401], statuses
        refused = next(a for a in answers if a.status == 401)
        assert "already used" in (await refused.json())["detail"]
        again = await http.post("/v1/registrations", data=body, headers=headers)
        assert again.status == 401
    db = Database(db_url)
    try:
        async with db.read() as conn:
            nonces = (await conn.execute(select(func.count()).select_from(oem_nonces).where(
                oem_nonces.c.nonce == headers["X-Carrier-Nonce"]))).scalar_one()
            stored = (await conn.execute(select(func.count()).select_from(registrations).where(
                registrations.c.card_ref == world.iccids[2]))).scalar_one()
    finally:
        await db.dispose()
    assert nonces == 1 and stored == 1


async def test_a_push_right_after_its_key_is_revoked_is_refused_and_stores_nothing(db_url: str, world: Oem) -> None:
    """The push's commit checks the key again: even admitted on the key as read a moment
    ago, a push after the revocation (here by another process) stores nothing."""
    first, second = (individual(random.Random(seed), iccid=world.iccids[n]) for seed, n in ((11, 3), (12, 4)))
    async with app_client(db_url, sandbox=True) as http:
        oem = OemClient(str(http.make_url("")), world.key_id, world.secret, session=http.session)
        await oem.push(first)  # the key has just been read
        other = Database(db_url)
        try:
            async with other.write() as conn:
                await revoke_key(conn, world.key_id, actor="cli:test")
        finally:
            await other.dispose()
        with pytest.raises(ApiError) as refused:
            await oem.push(second)
        assert refused.value.status == 401 and "revoked" in str(refused.value)
    db = Database(db_url)
    try:
        async with db.read() as conn:
            stored = (await conn.execute(select(func.count()).select_from(registrations).where(
                registrations.c.card_ref == world.iccids[4]))).scalar_one()
    finally:
        await db.dispose()
    assert stored == 0
