"""The OEM key reader: every signed request's key and nonce are read when it arrives,
and the requests that arrive together share one read."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import event

from carrier_gateway.db import Database
from carrier_gateway.nonces import NonceStore
from carrier_gateway.oem import KeyReader
from provisioning.enterprises.credentials import revoke_key, rotate_key
from provisioning.privacy.keyring import Keyring
from tests.support.world import ACTOR, build_oem


def _count_key_reads(db: Database) -> list[str]:
    seen: list[str] = []
    engine = db.read_engine.sync_engine

    @event.listens_for(engine, "before_cursor_execute")
    def _seen(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        if "api_keys" in statement:
            seen.append(statement)

    return seen


async def test_requests_arriving_together_share_one_read(db: Database, master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=1)
    reader = KeyReader(db, master_key)
    reads = _count_key_reads(db)
    checks = await asyncio.gather(*(reader.check(oem.key_id, f"nonce-{i:04d}") for i in range(40)))
    assert len(reads) == 1
    assert all(c.credential == (oem.enterprise_id, [oem.secret]) for c in checks)
    assert not any(c.nonce_used for c in checks)
    await reader.check(oem.key_id, "one-more")
    assert len(reads) == 2  # a later request reads again


async def test_a_used_nonce_an_unknown_key_and_a_revocation_are_seen_at_once(db: Database,
                                                                            master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=1)
    reader = KeyReader(db, master_key)
    assert await NonceStore(db).claim(oem.key_id, "used-nonce-0001", int(time.time()))
    used, fresh, unknown = await asyncio.gather(reader.check(oem.key_id, "used-nonce-0001"),
                                                reader.check(oem.key_id, "fresh-nonce-001"),
                                                reader.check("ak_nosuchkey000", "fresh-nonce-001"))
    assert used.nonce_used and not fresh.nonce_used
    assert used.credential is not None and unknown.credential is None
    other_db = Database(str(db.url.render_as_string(hide_password=False)))  # another process revokes
    try:
        async with other_db.write() as conn:
            await revoke_key(conn, oem.key_id, actor=ACTOR)
    finally:
        await other_db.dispose()
    assert (await reader.check(oem.key_id, "after-revoke-01")).credential is None


async def test_a_rotated_key_answers_with_its_own_secret(db: Database, master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=1)
    reader = KeyReader(db, master_key)
    before = await reader.check(oem.key_id, "nonce-before-01")
    async with db.write() as conn:
        issued = await rotate_key(conn, master_key, oem.key_id, actor=ACTOR)
    old, new = await asyncio.gather(reader.check(oem.key_id, "nonce-after-001"),
                                    reader.check(issued.key_id, "nonce-after-002"))
    assert before.credential is not None and old.credential is not None and new.credential is not None
    assert old.credential[1] == [oem.secret] and new.credential[1] == [issued.secret]
