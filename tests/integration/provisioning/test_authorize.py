"""The simulated core network: every usage type x service x state, destinations, IMEI binding."""

from __future__ import annotations

import pytest

from carrier_gateway.db import Database
from provisioning.cards.authorize import Decision, Request, authorize
from provisioning.cards.store import get_card
from provisioning.cards.tables import cards
from tests.integration.provisioning.cardkit import IMEI, OTHER_IMEI, issued, put_in_state
from tests.integration.provisioning.factory import CALL_CENTRE, SHORT_CODE

STATES = ("INVENTORY", "TEST", "PENDING", "ACTIVE", "SUSPENDED", "TERMINATED")
#: the destination each service would reach if allowed (registered in the factory)
BEST = {"data": Request("data", "203.0.113.10"), "sms": Request("sms", SHORT_CODE, direction="MT"),
        "voice": Request("voice", "110")}
#: (usage, service) -> the states in which the best destination is allowed (docs/domain.md)
ALLOWED = {("TBOX", "data"): {"ACTIVE", "TEST"}, ("TBOX", "sms"): {"ACTIVE"}, ("TBOX", "voice"): set(),
           ("ECALL", "data"): set(), ("ECALL", "sms"): set(), ("ECALL", "voice"): {"ACTIVE"},
           ("INFOTAINMENT", "data"): {"ACTIVE", "TEST"}, ("INFOTAINMENT", "sms"): set(),
           ("INFOTAINMENT", "voice"): set()}


def _expected_reason(usage: str, service: str, state: str) -> str:
    if state in ALLOWED[(usage, service)]:
        return "ALLOWED"
    if not ALLOWED[(usage, service)]:
        return "USAGE_CEILING"
    return "FACTORY_TEST" if state == "TEST" else "STATE"


async def ask(db: Database, req: Request, iccid: str) -> Decision:
    import dataclasses
    req = dataclasses.replace(req, iccid=iccid)
    async with db.read() as conn:
        decision = await authorize(conn, req)
    if decision.needs_write:
        async with db.write() as conn:
            decision = await authorize(conn, req, write=True)
    return decision


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("service", ["data", "sms", "voice"])
@pytest.mark.parametrize("usage", ["TBOX", "ECALL", "INFOTAINMENT"])
async def test_every_usage_service_and_state(db: Database, usage: str, service: str, state: str) -> None:
    [iccid] = await issued(db, usage)
    await put_in_state(db, iccid, state)
    decision = await ask(db, BEST[service], iccid)
    expected = _expected_reason(usage, service, state)
    assert (decision.allowed, decision.reason) == (expected == "ALLOWED", expected), decision
    assert decision.state == state


async def test_destinations_are_checked_per_scope(db: Database) -> None:
    tbox, tbox_test = await issued(db, "TBOX", count=2)
    await put_in_state(db, tbox, "ACTIVE")
    await put_in_state(db, tbox_test, "TEST")
    cases = [
        (tbox, Request("data", "198.51.100.1"), "DESTINATION_NOT_REGISTERED"),
        (tbox, Request("data", "not-an-ip"), "DESTINATION_INVALID"),
        (tbox, Request("data", "203.0.113.10", apn="internet"), "APN_NOT_ALLOWED"),
        (tbox, Request("sms", SHORT_CODE, direction="MO"), "SMS_MO_NOT_ALLOWED"),
        (tbox, Request("sms", "10086", direction="MT"), "SMS_SENDER_NOT_ALLOWED"),
        (tbox_test, Request("data", "198.51.100.1"), "DESTINATION_NOT_REGISTERED"),
        (tbox_test, Request("data", "203.0.113.10", used_mb=50), "DATA_CAP_REACHED"),
        (tbox_test, Request("data", "203.0.113.10", used_mb=49.5), "ALLOWED"),
    ]
    for iccid, req, reason in cases:
        assert (await ask(db, req, iccid)).reason == reason, req


async def test_ecall_reaches_emergency_and_call_centres_only(db: Database) -> None:
    [ecall] = await issued(db, "ECALL")
    await put_in_state(db, ecall, "ACTIVE")
    for number, reason in (("119", "ALLOWED"), ("122", "ALLOWED"), (f"+86 {CALL_CENTRE}", "ALLOWED"),
                           ("13800138000", "VOICE_NUMBER_NOT_ALLOWED")):
        assert (await ask(db, Request("voice", number), ecall)).reason == reason, number
    assert (await ask(db, Request("voice", "110", direction="MT"), ecall)).reason == "VOICE_MT_NOT_ALLOWED"


async def test_infotainment_reaches_the_internet(db: Database) -> None:
    [card] = await issued(db, "INFOTAINMENT")
    await put_in_state(db, card, "ACTIVE")
    assert (await ask(db, Request("data", "8.8.8.8"), card)).allowed
    assert (await ask(db, Request("data", "8.8.8.8", used_mb=20480), card)).reason == "DATA_CAP_REACHED"


async def test_first_imei_binds_and_a_different_one_suspends(db: Database) -> None:
    [iccid] = await issued(db, "TBOX")
    await put_in_state(db, iccid, "ACTIVE")
    first = await ask(db, Request("data", "203.0.113.10", imei=IMEI), iccid)
    async with db.read() as conn:
        bound = await get_card(conn, iccid=iccid)
        again = await authorize(conn, Request("data", "203.0.113.10", iccid=iccid, imei=IMEI))
    assert first.allowed and bound.imei == IMEI and not again.needs_write and again.allowed
    swapped = await ask(db, Request("data", "203.0.113.10", imei=OTHER_IMEI), iccid)
    async with db.read() as conn:
        card = await get_card(conn, iccid=iccid)
    assert (swapped.allowed, swapped.reason) == (False, "IMEI_MISMATCH")
    assert (card.state, card.suspension_cause, card.imei) == ("SUSPENDED", "IMEI_CHANGE", IMEI)
    assert (await ask(db, Request("data", "203.0.113.10", imei=IMEI), iccid)).reason == "STATE"


async def test_unknown_card_bad_imei_and_lookup_by_imsi(db: Database) -> None:
    [iccid] = await issued(db, "TBOX")
    await put_in_state(db, iccid, "ACTIVE")
    async with db.read() as conn:
        imsi = (await conn.execute(cards.select().where(cards.c.iccid == iccid))).one().imsi
        unknown = await authorize(conn, Request("data", "203.0.113.10", iccid="89860000000000000000"))
        bad = await authorize(conn, Request("data", "203.0.113.10", iccid=iccid, imei="356938035643808"))
        by_imsi = await authorize(conn, Request("data", "203.0.113.10", imsi=imsi))
    assert unknown.reason == "CARD_UNKNOWN" and bad.reason == "IMEI_INVALID" and by_imsi.allowed
