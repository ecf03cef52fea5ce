"""A registration's natural key leads with its card (the unique index is then ordered by
card, not random), and the migration that introduced that rewrites stored keys both
ways, so a push retried across it still finds its first copy. A purged registration is
known by its whole key ("~" and its id), never by a prefix a card reference may share."""

from __future__ import annotations

import random

from alembic import command
from sqlalchemy import Connection, select, update

from carrier_gateway.db import Database
from carrier_gateway.migrate import _config
from provisioning.privacy.keyring import Keyring
from provisioning.registrations.accept import Incoming, accept, prepare
from provisioning.registrations.records import RegistrationRecord
from provisioning.registrations.tables import registrations as r
from provisioning.retention.rules import PURGED_KEY_PREFIX, purged_key, registration_purged
from tests.support.world import build_oem, individual


async def _keys(db: Database) -> dict[str, str]:
    async with db.read() as conn:
        return dict((await conn.execute(select(r.c.id, r.c.natural_key))).all())


async def _purged(db: Database) -> set[str]:
    async with db.read() as conn:
        return set((await conn.execute(select(r.c.id).where(registration_purged()))).scalars())


async def _migrate(db: Database, to: str) -> None:
    def run(sync_conn: Connection) -> None:
        config = _config(sync_conn)
        if to == "heads":
            command.upgrade(config, to)
        else:
            command.downgrade(config, to)

    async with db.write() as conn:
        await conn.run_sync(run)


async def test_natural_keys_lead_with_the_card_and_survive_the_migration_both_ways(
        db: Database, master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=3)
    rng = random.Random(11)
    # the last names no card of the enterprise, and starts with a full-width tilde (stored "~")
    refs = [*oem.iccids, "\uff5e" + oem.iccids[0][1:]]
    items = [Incoming(oem.enterprise_id, RegistrationRecord.model_validate(individual(rng, iccid=iccid)))
             for iccid in refs]
    async with db.write() as conn:
        first = await accept(conn, prepare(master_key, items))
    ids = [result[0] for result in first]  # type: ignore[index]
    keys = await _keys(db)
    for reg_id, item in zip(ids, items, strict=True):
        card, _, digest = keys[reg_id].partition(":")
        assert card == item.record.card_ref and len(digest) == 32
    assert keys[ids[3]].startswith(PURGED_KEY_PREFIX)  # and yet not purged:
    assert await _purged(db) == set()
    # a purged registration's key is its own kind: the migration leaves it alone
    purged = purged_key(ids[2])
    async with db.write() as conn:
        await conn.execute(update(r).where(r.c.id == ids[2]).values(natural_key=purged))
    keys[ids[2]] = purged
    assert await _purged(db) == {ids[2]}

    await _migrate(db, "registrations_0004")
    assert await _keys(db) == {**{i: keys[i].partition(":")[2] for i in (ids[0], ids[1], ids[3])}, ids[2]: purged}
    await _migrate(db, "heads")
    assert await _keys(db) == keys

    async with db.write() as conn:  # the same pushes again, after the round trip
        again = await accept(conn, prepare(master_key, items[:2]))
    assert again == [(ids[0], False), (ids[1], False)]
