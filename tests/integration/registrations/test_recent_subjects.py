"""The verifier takes the subjects its own process sealed a moment ago instead of
opening them again; everything else it opens as before."""

from __future__ import annotations

import random

from sqlalchemy import select

from carrier_gateway.db import Database
from provisioning.privacy.keyring import Keyring, new_keyring
from provisioning.registrations import recent
from provisioning.registrations.accept import Incoming, prepare
from provisioning.registrations.authority import SandboxAuthority
from provisioning.registrations.intake import accept_and_record
from provisioning.registrations.records import RegistrationRecord, Subject
from provisioning.registrations.tables import registrations
from provisioning.registrations.verify import Verifier
from tests.support.world import build_oem, individual


async def _accept(db: Database, keyring: Keyring, enterprise_id: int, iccids: list[str], seed: int) -> list[str]:
    rng = random.Random(seed)
    items = [Incoming(enterprise_id, RegistrationRecord.model_validate(individual(rng, iccid=iccid)))
             for iccid in iccids]
    async with db.write() as conn:
        outcomes = await accept_and_record(conn, prepare(keyring, items), via="push")
    return [outcome[0] for outcome in outcomes]  # type: ignore[index]


async def _statuses(db: Database) -> dict[str, str]:
    async with db.read() as conn:
        return {r.id: r.status for r in await conn.execute(select(registrations.c.id, registrations.c.status))}


async def test_a_subject_sealed_by_this_process_is_not_opened_again(db: Database, master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=4)
    elsewhere = await _accept(db, master_key, oem.enterprise_id, oem.iccids[:2], seed=1)
    recent.forget_all()  # as if these two had been sealed by another process
    here = await _accept(db, master_key, oem.enterprise_id, oem.iccids[2:], seed=2)
    # A verifier whose keyring cannot open anything: only the kept subjects can be decided.
    blind = Verifier(write=db.write, keyring=new_keyring(), authority=SandboxAuthority(), linger_seconds=0)
    result = await blind.step()
    statuses = await _statuses(db)
    assert all(statuses[reg_id] == "VERIFIED" for reg_id in here), statuses
    assert all(statuses[reg_id] == "PENDING" for reg_id in elsewhere), statuses
    assert (result.verified, result.failed) == (2, 2)
    # the kept subjects were handed over once: nothing of them stays in memory
    async with db.read() as conn:
        sealed = list((await conn.execute(select(registrations.c.subject_enc))).scalars())
    assert all(recent.take(value) is None for value in sealed)
    # and the others are opened with the right key, as before
    seeing = Verifier(write=db.write, keyring=master_key, authority=SandboxAuthority(), linger_seconds=0)
    async with db.write() as conn:
        await conn.execute(registrations.update().values(due_at=0))
    assert (await seeing.step()).verified == 2
    assert set((await _statuses(db)).values()) == {"VERIFIED"}


def test_at_most_limit_subjects_are_kept_oldest_first_out() -> None:
    recent.forget_all()
    subject = Subject.model_validate({"type": "ORGANIZATION", "name": "某某汽车有限公司", "uscc": "91350100M000100Y43"})
    for n in range(recent.LIMIT + 5):
        recent.keep(f"sealed-{n}", subject)
    assert recent.take("sealed-0") is None and recent.take("sealed-4") is None
    assert recent.take("sealed-5") is subject and recent.take(f"sealed-{recent.LIMIT + 4}") is subject
    recent.forget_all()
