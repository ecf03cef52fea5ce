"""A carrier with something of everything the inspection report counts, built through
the real app (signed OEM pushes, sandbox identity authority, background verification):
verified, superseded, rejected for several reasons, pending, suspended, terminated
cards; an AGENT; a hostile enterprise name; responsible persons with history;
back-registration flags; a static-IP prefix."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import random
from typing import Any

from sqlalchemy import func, select

from carrier_gateway.client import OemClient
from carrier_gateway.db import Database
from numbering.ip import pools
from numbering.msisdn import segments
from provisioning.backfill.flags import flag_cards
from provisioning.cards import lifecycle
from provisioning.cards.issuance import issue_cards
from provisioning.documents import fake
from provisioning.enterprises.persons import add_person
from provisioning.enterprises.registry import add_enterprise, update_enterprise
from provisioning.privacy.keyring import Keyring
from provisioning.registrations.tables import registrations
from tests.support.http import app_client
from tests.support.world import ACTOR, Oem, build_oem, individual

HOSTILE = "<script>alert(1)</script>"
#: responsible persons' clear values: none of them may appear in any rendering
PEOPLE = [("PURCHASE", "王小明", "13700137000"), ("REAL_NAME", "李四", "13600136000"),
          ("REAL_NAME", "赵六", "13500135000")]


@dataclasses.dataclass
class World:
    a: Oem
    b: Oem
    agent_id: int
    personal: list[str]  # clear names, ID numbers and phones that must never be shown


async def _persons(db: Database, keyring: Keyring, a: int, b: int, rng: random.Random) -> list[str]:
    secrets: list[str] = []
    async with db.write() as conn:
        for role, name, phone in PEOPLE:
            number = fake.resident_id(rng)
            await add_person(conn, keyring, a, role=role, name=name, id_type="RESIDENT_ID", id_number=number,
                             phone=phone, actor=ACTOR)
            secrets += [name, number, phone]
        number = fake.resident_id(rng)
        await add_person(conn, keyring, b, role="REAL_NAME", name="孙七", id_type="RESIDENT_ID", id_number=number,
                         phone="13400134000", actor=ACTOR)
    return [*secrets, "孙七", number, "13400134000"]


async def _static_ips_and_agent(db: Database, a: Oem, rng: random.Random) -> int:
    async with db.write() as conn:
        await pools.add_pool(conn, "10.64.0.0/16", "iov.report", "report")
        await pools.allocate_prefix(conn, a.enterprise_id, 28, apn="iov.report")
        agent = await add_enterprise(conn, name="授权代理公司", uscc=fake.uscc(rng), actor=ACTOR, kind="AGENT",
                                     authorized_by=a.enterprise_id,
                                     authorized_until=dt.date.today() + dt.timedelta(days=365))
        await segments.allocate_block(conn, agent.id, 50)
    await issue_cards(db.write, a.enterprise_id, 3, "TBOX", actor=ACTOR, static_ip=True)
    await issue_cards(db.write, agent.id, 2, "ECALL", actor=ACTOR)
    return agent.id


async def settle(db: Database, waiting: set[str], timeout: float = 30.0) -> None:
    """Until every registration is decided, except ``waiting`` (the authority is
    unavailable for them) which must have been tried at least once."""
    r = registrations
    for _ in range(int(timeout / 0.05)):
        async with db.read() as conn:
            open_ = (await conn.execute(select(func.count()).select_from(r).where(
                r.c.status == "PENDING", (r.c.id.not_in(waiting)) | (r.c.attempts == 0)))).scalar_one()
        if open_ == 0:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("registrations still waiting for verification")


def _bad(rng: random.Random, iccid: str, *, expired: bool = False, vin: bool = False,
         name: str | None = None) -> dict[str, Any]:
    record = individual(rng, iccid=iccid, name=name)
    if expired:
        record["subject"]["id_expires"] = "2001-01-01"
    if vin:
        record["vin"] = fake.corrupt_check("vin", record["vin"])
    return record


async def _traffic(db: Database, db_url: str, a: Oem, b: Oem, rng: random.Random) -> None:
    async with app_client(db_url, sandbox=True) as http:
        base = str(http.make_url(""))
        oem_a = OemClient(base, a.key_id, a.secret, session=http.session)
        oem_b = OemClient(base, b.key_id, b.secret, session=http.session)
        out = await oem_a.push_batch([
            *(individual(rng, iccid=i) for i in a.iccids[:5]),
            _bad(rng, a.iccids[5], expired=True), _bad(rng, a.iccids[6], name="张不符"),
            _bad(rng, a.iccids[7], vin=True), _bad(rng, a.iccids[8], expired=True, vin=True),
            individual(rng, iccid=b.iccids[0]),  # not A's card: CARD_NOT_FOUND
        ])
        waiting = (await oem_a.push(individual(rng, iccid=a.iccids[9], name="张超时")))["registration_id"]
        await oem_b.push(individual(rng, iccid=b.iccids[1]))
        assert all(res["registration_id"] for res in out["results"])
        await settle(db, {waiting})
        await oem_a.push(individual(rng, iccid=a.iccids[0], stage="OWNER_CHANGE"))
        await settle(db, {waiting})
    async with db.write() as conn:
        await lifecycle.transition(conn, a.iccids[4], "SUSPENDED", actor=ACTOR, reason="fraud complaint")
        await lifecycle.transition(conn, a.iccids[11], "TERMINATED", actor=ACTOR, reason="returned unsold")
        await flag_cards(conn, a.enterprise_id, [a.iccids[1], a.iccids[10]], actor=ACTOR)


async def build_world(db: Database, db_url: str, keyring: Keyring) -> World:
    rng = random.Random(20261128)
    a = await build_oem(db, keyring, cards=12, seed=1)
    b = await build_oem(db, keyring, cards=3, seed=2)
    async with db.write() as conn:
        await update_enterprise(conn, b.enterprise_id, name=HOSTILE, actor=ACTOR)
    agent_id = await _static_ips_and_agent(db, a, rng)
    personal = await _persons(db, keyring, a.enterprise_id, b.enterprise_id, rng)
    await _traffic(db, db_url, a, b, rng)
    return World(a, b, agent_id, personal)
