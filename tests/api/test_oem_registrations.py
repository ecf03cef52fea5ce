"""The OEM registration flow over signed HTTP on a real database."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest

from carrier_gateway.client import ApiError, OemClient
from carrier_gateway.db import Database
from provisioning.privacy.keyring import Keyring
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
