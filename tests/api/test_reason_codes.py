"""Every reason code of CONTRACT.md over signed HTTP: a record that triggers exactly that
code, then its twin (the same record with that one thing corrected) which is VERIFIED.
Plus the sandbox authority's outage name, which stays PENDING and is retried."""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import datetime as dt
import random
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import update

from carrier_gateway.client import ApiError, OemClient
from carrier_gateway.db import Database
from provisioning.documents import fake
from provisioning.privacy.keyring import Keyring
from provisioning.registrations.tables import registrations
from tests.support.http import app_client
from tests.support.world import Oem, build_oem, individual, organization

Record = dict[str, Any]


@dataclasses.dataclass
class Ctx:
    db: Database
    keyring: Keyring
    oem: Oem
    client: OemClient
    rng: random.Random

    async def verified(self, record: Record) -> None:
        """Register ``record`` first (a live binding the case then collides with)."""
        view = await decided(self.client, (await self.client.push(record))["registration_id"])
        assert view["status"] == "VERIFIED", view["reasons"]


async def decided(client: OemClient, registration_id: str, timeout: float = 10.0) -> dict[str, Any]:
    for _ in range(int(timeout / 0.02)):
        view = await client.registration(registration_id)
        if view["status"] != "PENDING":
            return view
        await asyncio.sleep(0.02)
    raise AssertionError(f"registration {registration_id} still PENDING")


def _subject(**changes: Any) -> Callable[[Record], None]:
    def change(record: Record) -> None:
        for key, value in changes.items():
            if value is None:
                record["subject"].pop(key, None)
            else:
                record["subject"][key] = value
    return change


Case = Callable[[Ctx], Awaitable[tuple[Record, Record]]]
CASES: dict[str, Case] = {}


def case(code: str) -> Callable[[Case], Case]:
    def register(fn: Case) -> Case:
        CASES[code] = fn
        return fn
    return register


def _pair(twin: Record, *changes: Callable[[Record], None]) -> tuple[Record, Record]:
    bad = copy.deepcopy(twin)
    for change in changes:
        change(bad)
    return bad, twin


def _set(key: str, value: Any) -> Callable[[Record], None]:
    return lambda record: record.__setitem__(key, value)


@case("SCHEMA_INVALID")
async def _schema(c: Ctx) -> tuple[Record, Record]:
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    return _pair(individual(c.rng, iccid=c.oem.iccids[0]), _set("sold_at", tomorrow))


@case("ID_TYPE_UNSUPPORTED")
async def _id_type(c: Ctx) -> tuple[Record, Record]:
    return _pair(individual(c.rng, iccid=c.oem.iccids[0]), _subject(id_type="DRIVING_LICENCE"))


@case("ID_NUMBER_INVALID")
async def _id_number(c: Ctx) -> tuple[Record, Record]:
    twin = individual(c.rng, iccid=c.oem.iccids[0])
    return _pair(twin, _subject(id_number=fake.corrupt_check("resident_id", twin["subject"]["id_number"])))


@case("ID_EXPIRED")
async def _expired(c: Ctx) -> tuple[Record, Record]:
    return _pair(individual(c.rng, iccid=c.oem.iccids[0]), _subject(id_expires="2020-06-30"))


@case("HOLDER_UNDERAGE")
async def _underage(c: Ctx) -> tuple[Record, Record]:
    today = dt.date.today()
    child = fake.resident_id(c.rng, born_from=today.replace(year=today.year - 12),
                             born_to=today.replace(year=today.year - 10))
    return _pair(individual(c.rng, iccid=c.oem.iccids[0]), _subject(id_number=child))


@case("NAME_INVALID")
async def _name(c: Ctx) -> tuple[Record, Record]:
    return _pair(individual(c.rng, iccid=c.oem.iccids[0]), _subject(name="张3"))


@case("USCC_INVALID")
async def _uscc(c: Ctx) -> tuple[Record, Record]:
    twin = organization(c.rng, iccid=c.oem.iccids[0])
    return _pair(twin, _subject(uscc=fake.corrupt_check("uscc", twin["subject"]["uscc"])))


@case("AGENT_REQUIRED")
async def _agent(c: Ctx) -> tuple[Record, Record]:
    return _pair(organization(c.rng, iccid=c.oem.iccids[0]), _subject(agent=None))


@case("VIN_INVALID")
async def _vin(c: Ctx) -> tuple[Record, Record]:
    twin = individual(c.rng, iccid=c.oem.iccids[0])
    return _pair(twin, _set("vin", fake.corrupt_check("vin", twin["vin"])))


@case("IMEI_INVALID")
async def _imei(c: Ctx) -> tuple[Record, Record]:
    twin = individual(c.rng, iccid=c.oem.iccids[0])
    return _pair(twin, _set("imei", fake.corrupt_check("imei", twin["imei"])))


@case("CARD_NOT_FOUND")
async def _card(c: Ctx) -> tuple[Record, Record]:
    other = await build_oem(c.db, c.keyring, cards=1, seed=9)  # another enterprise's card: not found
    return _pair(individual(c.rng, iccid=c.oem.iccids[0]), _set("iccid", other.iccids[0]))


@case("CARD_STATE_CONFLICT")
async def _state(c: Ctx) -> tuple[Record, Record]:
    # a card never sold has no owner to change
    return _pair(individual(c.rng, iccid=c.oem.iccids[0]), _set("stage", "OWNER_CHANGE"))


@case("VIN_ALREADY_BOUND")
async def _vin_bound(c: Ctx) -> tuple[Record, Record]:
    first = individual(c.rng, iccid=c.oem.iccids[1])
    await c.verified(first)
    return _pair(individual(c.rng, iccid=c.oem.iccids[0]), _set("vin", first["vin"]))


@case("CARD_LIMIT_EXCEEDED")
async def _limit(c: Ctx) -> tuple[Record, Record]:
    first = individual(c.rng, iccid=c.oem.iccids[1])
    await c.verified(first)  # the cap is 1 card per document in this case
    return _pair(individual(c.rng, iccid=c.oem.iccids[0]), _subject(id_number=first["subject"]["id_number"]))


@case("IDENTITY_MISMATCH")
async def _mismatch(c: Ctx) -> tuple[Record, Record]:
    return _pair(individual(c.rng, iccid=c.oem.iccids[0], name="李四"), _subject(name="李不符"))


SETTINGS: dict[str, dict[str, Any]] = {"CARD_LIMIT_EXCEEDED": {"max_cards_per_document": 1}}
#: the field each reason names
FIELDS = {
    "SCHEMA_INVALID": "sold_at", "ID_TYPE_UNSUPPORTED": "subject.id_type", "ID_NUMBER_INVALID": "subject.id_number",
    "ID_EXPIRED": "subject.id_expires", "HOLDER_UNDERAGE": "subject.id_number", "NAME_INVALID": "subject.name",
    "USCC_INVALID": "subject.uscc", "AGENT_REQUIRED": "subject.agent", "VIN_INVALID": "vin", "IMEI_INVALID": "imei",
    "CARD_NOT_FOUND": "iccid", "CARD_STATE_CONFLICT": "stage", "VIN_ALREADY_BOUND": "vin",
    "CARD_LIMIT_EXCEEDED": "subject.id_number", "IDENTITY_MISMATCH": "subject"}
CONTRACT_CODES = ["SCHEMA_INVALID", "ID_TYPE_UNSUPPORTED", "ID_NUMBER_INVALID", "ID_EXPIRED", "HOLDER_UNDERAGE",
                  "NAME_INVALID", "USCC_INVALID", "AGENT_REQUIRED", "VIN_INVALID", "IMEI_INVALID", "CARD_NOT_FOUND",
                  "CARD_STATE_CONFLICT", "VIN_ALREADY_BOUND", "CARD_LIMIT_EXCEEDED", "IDENTITY_MISMATCH"]


def test_every_contract_reason_code_has_a_case() -> None:
    assert sorted(CASES) == sorted(CONTRACT_CODES)


@pytest.mark.parametrize("code", CONTRACT_CODES)
async def test_reason_code_and_its_valid_twin(code: str, db_url: str, db: Database, master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=2)
    async with app_client(db_url, sandbox=True, **SETTINGS.get(code, {})) as http:
        client = OemClient(str(http.make_url("")), oem.key_id, oem.secret, session=http.session)
        bad, twin = await CASES[code](Ctx(db, master_key, oem, client, random.Random(code)))
        rejected = await decided(client, (await client.push(bad))["registration_id"])
        assert rejected["status"] == "REJECTED"
        assert [(r["code"], r["field"]) for r in rejected["reasons"]] == [(code, FIELDS[code])], rejected["reasons"]
        verified = await decided(client, (await client.push(twin))["registration_id"])
        assert (verified["status"], verified["reasons"]) == ("VERIFIED", [])
        card = await client.card(twin["iccid"])
    assert card["state"] == "ACTIVE" and card["real_name_status"] == "VERIFIED"


async def test_a_record_that_does_not_match_the_schema_is_refused_at_the_door(db_url: str, db: Database,
                                                                              master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=1)
    twin = individual(random.Random(1), iccid=oem.iccids[0])
    bad = {k: v for k, v in twin.items() if k != "vin"}
    async with app_client(db_url, sandbox=True) as http:
        client = OemClient(str(http.make_url("")), oem.key_id, oem.secret, session=http.session)
        with pytest.raises(ApiError) as refused:
            await client.push(bad)
        assert refused.value.status == 422 and refused.value.code == "SCHEMA_INVALID"
        assert [e["field"] for e in refused.value.problem["errors"]] == ["vin"]
        verified = await decided(client, (await client.push(twin))["registration_id"])
    assert verified["status"] == "VERIFIED"


async def test_an_unavailable_authority_keeps_the_registration_pending_and_retries(
        db_url: str, db: Database, master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=2)
    rng = random.Random(2)
    waiting = individual(rng, iccid=oem.iccids[0], name="王超时")
    twin = copy.deepcopy(waiting)
    twin["subject"]["name"] = "王超"
    async with app_client(db_url, sandbox=True) as http:
        client = OemClient(str(http.make_url("")), oem.key_id, oem.secret, session=http.session)
        reg_id = (await client.push(waiting))["registration_id"]
        for attempts in (1, 2, 3):
            view = await _after_attempts(client, db, reg_id, attempts)
            assert view["status"] == "PENDING" and view["reasons"] == []
        card = await client.card(oem.iccids[0])
        assert card["state"] == "PENDING" and card["real_name_status"] == "PENDING"
        assert card["services"]["data"]["allowed"] is False
        twin["iccid"] = oem.iccids[1]
        verified = await decided(client, (await client.push(twin))["registration_id"])
    assert verified["status"] == "VERIFIED"


async def _after_attempts(client: OemClient, db: Database, reg_id: str, attempts: int) -> dict[str, Any]:
    """Wait until the verifier has tried ``attempts`` times; skip each backoff by making
    the registration due now (the retry itself is the verifier's). Only while no step holds
    it (a claim counts a failure until its step writes): moving a claimed row's lease would
    make its step lose it, and a row lost often enough is given up."""
    for _ in range(500):
        view = await client.registration(reg_id)
        if view["attempts"] >= attempts:
            return view
        async with db.write() as conn:
            await conn.execute(update(registrations).where(registrations.c.id == reg_id,
                                                           registrations.c.status == "PENDING",
                                                           registrations.c.attempts == view["attempts"],
                                                           registrations.c.failures == 0)
                               .values(due_at=0))
        await asyncio.sleep(0.02)
    raise AssertionError(f"registration {reg_id} was not retried {attempts} times")
