"""Attach decisions (the RADIUS Access-Request, as the domain decides it): the authorize
rules for data without a destination, IMEI binding from the IMEISV, session addresses."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from carrier_gateway.db import Database
from numbering.tables import addresses
from provisioning.cards.store import get_card
from provisioning.network import accounting
from provisioning.network.attach import AttachRequest, decide
from provisioning.network.tables import leases
from tests.integration.network.kit import APN, IMEISV, OTHER_IMEISV, cards_in
from tests.integration.provisioning.cardkit import IMEI


async def ask(db: Database, **kw: str | None) -> object:
    return await decide(db.read, db.write, AttachRequest(**kw))


async def test_a_verified_card_gets_its_static_address(db: Database) -> None:
    [card] = await cards_in(db, "ACTIVE", static_ip=True)
    result = await ask(db, imsi=card.imsi, apn=APN, imeisv=IMEISV)
    assert (result.allowed, result.reason, result.framed_ip, result.iccid) == (True, "ALLOWED", card.static_ip,
                                                                               card.iccid)
    async with db.read() as conn:
        assert (await get_card(conn, iccid=card.iccid)).imei == IMEI  # the first attach binds the device
        assert (await conn.execute(select(leases))).first() is None  # a static address needs no lease


async def test_a_card_without_static_address_leases_one_and_keeps_it(db: Database) -> None:
    one, two = await cards_in(db, "ACTIVE", "ACTIVE")
    first = await ask(db, imsi=one.imsi, apn=APN)
    again = await ask(db, imsi=one.imsi, apn=APN)
    other = await ask(db, imsi=two.imsi, apn=APN)
    assert first.allowed and first.framed_ip == again.framed_ip and other.framed_ip != first.framed_ip
    async with db.read() as conn:
        taken = set((await conn.execute(select(addresses.c.ip))).scalars())
    assert {first.framed_ip, other.framed_ip} <= taken  # taken in numbering: no static card can get it


async def test_cards_without_service_are_refused_with_the_authorize_reason(db: Database) -> None:
    inventory, pending, rejected, active = await cards_in(db, "INVENTORY", "PENDING", "REJECTED", "ACTIVE")
    for card in (inventory, pending, rejected):
        result = await ask(db, imsi=card.imsi, apn=APN)
        assert (result.allowed, result.reason) == (False, "STATE"), card.state
    assert (await ask(db, imsi=active.imsi, apn="internet")).reason == "APN_NOT_ALLOWED"
    assert (await ask(db, imsi=active.imsi, apn=None)).reason == "APN_NOT_ALLOWED"
    assert (await ask(db, imsi="460009999999999", apn=APN)).reason == "CARD_UNKNOWN"
    assert (await ask(db, imsi=active.imsi, apn=APN, imeisv="12345")).reason == "IMEI_INVALID"


async def test_msisdn_finds_the_card_when_there_is_no_imsi(db: Database) -> None:
    [card] = await cards_in(db, "ACTIVE")
    result = await ask(db, msisdn=f"86{card.msisdn}", apn=APN)
    assert (result.allowed, result.iccid) == (True, card.iccid)


async def test_another_device_suspends_the_card(db: Database) -> None:
    [card] = await cards_in(db, "ACTIVE")
    assert (await ask(db, imsi=card.imsi, apn=APN, imeisv=IMEISV)).allowed
    swapped = await ask(db, imsi=card.imsi, apn=APN, imeisv=OTHER_IMEISV)
    async with db.read() as conn:
        after = await get_card(conn, iccid=card.iccid)
    assert (swapped.allowed, swapped.reason) == (False, "IMEI_MISMATCH")
    assert (after.state, after.suspension_cause, after.imei) == ("SUSPENDED", "IMEI_CHANGE", IMEI)
    assert (await ask(db, imsi=card.imsi, apn=APN, imeisv=IMEISV)).reason == "STATE"


async def test_a_card_over_its_data_cap_is_refused_at_its_next_attach(db: Database) -> None:
    [card] = await cards_in(db, "TEST")  # the factory test: 50 MB
    assert (await ask(db, imsi=card.imsi, apn=APN)).allowed
    async with db.write() as conn:
        await accounting.record(conn, accounting.Report("Stop", 1, "s-1", iccid=card.iccid,
                                                        input_octets=30 * 2**20, output_octets=20 * 2**20))
    refused = await ask(db, imsi=card.imsi, apn=APN)
    assert (refused.allowed, refused.reason) == (False, "DATA_CAP_REACHED")


async def test_concurrent_attaches_of_one_card_share_one_lease(db: Database) -> None:
    [card] = await cards_in(db, "ACTIVE")
    results = await asyncio.gather(*(ask(db, imsi=card.imsi, apn=APN) for _ in range(6)))
    assert all(r.allowed for r in results) and len({r.framed_ip for r in results}) == 1
    async with db.read() as conn:
        assert len((await conn.execute(select(leases))).all()) == 1
