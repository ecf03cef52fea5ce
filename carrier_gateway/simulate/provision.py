"""The carrier side of a simulation, set up the way ops would: number stock and an IP
pool, then per OEM the enterprise (its callback URL at the simulator's receiver),
responsible persons, registered destinations, a number block, an IP prefix, API
credentials and its cards, issued order by order; and the packet gateway, a RADIUS client."""

from __future__ import annotations

import dataclasses

from sqlalchemy import func, select

from carrier_gateway import ops_auth
from carrier_gateway.db import Database
from numbering.identifiers import profile
from numbering.ip import pools
from numbering.msisdn import segments
from provisioning.cards.issuance import issue_cards
from provisioning.cards.tables import cards
from provisioning.enterprises.credentials import create_key
from provisioning.enterprises.destinations import add_destination
from provisioning.enterprises.persons import add_person
from provisioning.enterprises.registry import add_enterprise
from provisioning.enterprises.tables import enterprises
from provisioning.network import nas
from provisioning.privacy.keyring import Keyring
from provisioning.simulation.plan import OemPlan, Plan

ACTOR = "cli:simulate"
POOL, POOL_APN = "10.64.0.0/10", "iov.sim"


class NotEmpty(RuntimeError):
    """The database already holds enterprises or cards."""


@dataclasses.dataclass
class OemWorld:
    plan: OemPlan
    enterprise_id: int
    key_id: str
    secret: str
    iccids: list[str]
    msisdns: list[str]
    imsis: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class World:
    oems: list[OemWorld]
    ops_token: str
    #: the shared secret of the simulated packet gateway (RADIUS client on 127.0.0.1)
    radius_secret: str = ""


async def check_empty(db: Database) -> None:
    async with db.read() as conn:
        held = (await conn.execute(select(func.count()).select_from(enterprises))).scalar_one()
        held += (await conn.execute(select(func.count()).select_from(cards))).scalar_one()
    if held:
        raise NotEmpty("the database already holds enterprises or cards; simulate needs an empty one "
                       "(without --database-url and $CARRIER_DATABASE_URL it makes a fresh temporary one)")


async def provision(db: Database, keyring: Keyring, plan: Plan, hooks_url: str) -> World:
    block = plan.params.cards * 2
    async with db.write() as conn:
        carrier = await profile.get_profile(conn)
        first = int(carrier.msisdn_prefixes[0].ljust(13, "0"))
        await segments.add_segment(conn, first, first + block * len(plan.oems) + 9_999, "simulation")
        await pools.add_pool(conn, POOL, POOL_APN, "simulation")
        token = await ops_auth.create_token(conn, "ops", "simulator", actor=ACTOR)
        gateway = await nas.add_nas(conn, keyring, name="sim-pgw", address="127.0.0.1", actor=ACTOR)
    oems = []
    for oem in plan.oems:  # one after another: ICCIDs are then the same for the same plan
        oems.append(await _oem(db, keyring, oem, block, hooks_url))
    return World(oems, token.token, gateway.secret)


async def _oem(db: Database, keyring: Keyring, oem: OemPlan, block: int, hooks_url: str) -> OemWorld:
    async with db.write() as conn:
        ent = await add_enterprise(conn, name=oem.name, uscc=oem.uscc, actor=ACTOR, apn=POOL_APN,
                                   callback_url=f"{hooks_url}/{oem.index}")  # cards attach where its prefix is
        ent_id = ent.id
        for person in oem.persons:
            await add_person(conn, keyring, ent_id, role=person["role"], name=person["name"],
                             id_type=person["id_type"], id_number=person["id_number"], phone=person["phone"],
                             email=person["email"], actor=ACTOR)
        for kind, value in oem.destinations:
            await add_destination(conn, ent_id, kind, value, actor=ACTOR)
        await segments.allocate_block(conn, ent_id, block)
        await pools.allocate_prefix(conn, ent_id, oem.prefix_length, apn=POOL_APN)
        key = await create_key(conn, keyring, ent_id, actor=ACTOR, label="simulated OEM")
    for usage, count, static_ip in oem.orders:
        if count:
            await issue_cards(db.write, ent_id, count, usage, actor=ACTOR, static_ip=static_ip)
    async with db.read() as conn:
        rows = (await conn.execute(select(cards.c.iccid, cards.c.msisdn, cards.c.usage, cards.c.imsi)
                                   .where(cards.c.enterprise_id == ent_id)
                                   .order_by(cards.c.order_id, cards.c.iccid))).all()
    if [r.usage for r in rows] != [oem.usage(n) for n in range(len(rows))]:
        raise RuntimeError(f"enterprise {ent_id}: cards were not issued in the planned order")
    return OemWorld(oem, ent_id, key.key_id, key.secret, [r.iccid for r in rows], [r.msisdn for r in rows],
                    [r.imsi for r in rows])
