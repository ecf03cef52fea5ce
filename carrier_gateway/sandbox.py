"""`carrier init --sandbox`: a working local carrier with demo data in one step.

The demo OEM, its numbers, IP prefix and 100 cards are created once; running it again
keeps them and prints fresh credentials (secrets are shown only when created).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from carrier_gateway import ops_auth
from carrier_gateway.db import Database
from numbering.identifiers import profile
from numbering.ip import pools
from numbering.msisdn import segments
from provisioning.cards.issuance import issue_cards
from provisioning.enterprises.credentials import create_key
from provisioning.enterprises.destinations import add_destination
from provisioning.enterprises.registry import add_enterprise
from provisioning.enterprises.tables import enterprises
from provisioning.privacy.keyring import Keyring

DEMO_USCC = "91110000MA01XAMP1Y"
DEMO_NAME = "沙箱示范汽车有限公司"
DEMO_APN = "iov.sandbox"
DEMO_POOL = "10.64.0.0/16"
DEMO_CARDS = 100
ACTOR = "cli:sandbox"


async def _enterprise_id(db: Database) -> int | None:
    async with db.read() as conn:
        return (await conn.execute(select(enterprises.c.id).where(enterprises.c.uscc == DEMO_USCC))).scalar()


async def seed(db: Database, keyring: Keyring) -> dict[str, Any]:
    """Demo data for the carrier profile recorded by `carrier init` (China Mobile by default)."""
    existing = await _enterprise_id(db)
    if existing is None:
        async with db.write() as conn:
            prof = await profile.get_profile(conn)
            ent = await add_enterprise(conn, name=DEMO_NAME, uscc=DEMO_USCC, actor=ACTOR)
            first = int(prof.msisdn_prefixes[0].ljust(13, "0"))
            await segments.add_segment(conn, first, first + 999_999, "sandbox")
            await segments.allocate_block(conn, ent.id, 10_000)
            await pools.add_pool(conn, DEMO_POOL, DEMO_APN, "sandbox")
            await pools.allocate_prefix(conn, ent.id, 24, apn=DEMO_APN)
            for kind, value in (("PLATFORM_PREFIX", "10.200.0.0/16"), ("SHORT_CODE", "1065800"),
                                ("CALL_CENTRE", "4008000000")):
                await add_destination(conn, ent.id, kind, value, actor=ACTOR)
        await issue_cards(db.write, ent.id, DEMO_CARDS, "TBOX", actor=ACTOR)
        existing = ent.id
    async with db.write() as conn:
        key = await create_key(conn, keyring, existing, actor=ACTOR, label="sandbox")
        token = await ops_auth.create_token(conn, "ops", "sandbox")
    return {"enterprise_id": existing, "key_id": key.key_id, "secret": key.secret, "ops_token": token.token}
