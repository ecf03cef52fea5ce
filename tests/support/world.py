"""A small carrier on a real database: profile, OEMs with keys, numbers, cards; and
registration records that pass or fail on purpose."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import random
from typing import Any

from carrier_gateway.db import Database
from numbering.msisdn import segments
from provisioning.cards.issuance import issue_cards
from provisioning.cards.store import list_cards
from provisioning.documents import fake, fake_names
from provisioning.enterprises.credentials import create_key
from provisioning.enterprises.destinations import add_destination
from provisioning.enterprises.registry import add_enterprise
from provisioning.privacy.keyring import Keyring

ACTOR = "cli:test"


@dataclasses.dataclass
class Oem:
    enterprise_id: int
    key_id: str
    secret: str
    iccids: list[str]
    msisdns: list[str]


async def build_oem(db: Database, keyring: Keyring, *, cards: int = 10, usage: str = "TBOX", seed: int = 0,
                    callback_url: str | None = None, first_msisdn: int | None = None) -> Oem:
    rng = random.Random(seed)
    async with db.write() as conn:
        ent = await add_enterprise(conn, name=f"测试汽车{seed}有限公司", uscc=fake.uscc(rng), actor=ACTOR,
                                   callback_url=callback_url)
        key = await create_key(conn, keyring, ent.id, actor=ACTOR)
        await add_destination(conn, ent.id, "PLATFORM_PREFIX", "10.20.0.0/16", actor=ACTOR)
        await add_destination(conn, ent.id, "SHORT_CODE", "10086", actor=ACTOR)
        await add_destination(conn, ent.id, "CALL_CENTRE", "4008001234", actor=ACTOR)
        first = first_msisdn or 1440000000000 + seed * 1_000_000
        await segments.add_segment(conn, first, first + 99_999, f"seg{seed}")
        await segments.allocate_block(conn, ent.id, max(cards * 2, 100))
    await issue_cards(db.write, ent.id, cards, usage, actor=ACTOR)
    async with db.read() as conn:
        page = await list_cards(conn, enterprise_id=ent.id, limit=500)
    return Oem(ent.id, key.key_id, key.secret, [c.iccid for c in page.items], [c.msisdn for c in page.items])


def individual(rng: random.Random, *, iccid: str, stage: str = "AT_SALE", name: str | None = None,
               id_number: str | None = None, vin: str | None = None) -> dict[str, Any]:
    """A record that passes every check (against a fresh card)."""
    return {
        "iccid": iccid,
        "stage": stage,
        "vin": vin or fake.vin(rng),
        "imei": fake.imei(rng),
        "sold_at": (dt.date.today() - dt.timedelta(days=1)).isoformat(),
        "subject": {"type": "INDIVIDUAL", "name": name or fake_names.chinese_name(rng, minority_share=0),
                    "id_type": "RESIDENT_ID", "id_number": id_number or fake.resident_id(rng),
                    "id_expires": "2040-01-01", "address": "北京市朝阳区某路1号", "phone": "13800138000"},
        "oem_verification": {"method": "ID_CARD_READER", "verified_at": "2026-11-20T10:00:00+08:00"},
    }


def organization(rng: random.Random, *, iccid: str) -> dict[str, Any]:
    person = {"name": fake_names.chinese_name(rng, minority_share=0), "id_type": "RESIDENT_ID",
              "id_number": fake.resident_id(rng), "phone": "13900139000"}
    return {
        **individual(rng, iccid=iccid),
        "subject": {"type": "ORGANIZATION", "name": fake_names.organization_name(rng), "uscc": fake.uscc(rng),
                    "address": "上海市浦东新区某路2号", "agent": person, "responsible_person": copy.deepcopy(person)},
    }


async def enterprises_up_to(url: str, last_id: int) -> None:
    """Purchasing enterprises with ids 1 to ``last_id`` (numbers go only to real buyers)."""
    db = Database(url)
    rng = random.Random(last_id)
    try:
        async with db.write() as conn:
            for n in range(1, last_id + 1):
                ent = await add_enterprise(conn, name=f"购买企业{n}有限公司", uscc=fake.uscc(rng), actor=ACTOR)
                assert ent.id == n, "a fresh database numbers enterprises from 1"
    finally:
        await db.dispose()
