"""Registrations this process accepts are written claimed for its own verifier and handed
to it in memory; everything else reaches a verifier through the queue, as before."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import time

import pytest
from sqlalchemy import select

from carrier_gateway.db import Database
from numbering.clock import CHINA
from provisioning.cards.tables import cards
from provisioning.privacy.keyring import Keyring, new_keyring
from provisioning.registrations import queue
from provisioning.registrations.accept import Incoming, prepare
from provisioning.registrations.authority import SandboxAuthority
from provisioning.registrations.handoff import Handoff
from provisioning.registrations.intake import accept_and_record
from provisioning.registrations.records import RegistrationRecord
from provisioning.registrations.tables import registrations
from provisioning.registrations.verify import Verifier
from tests.support.world import build_oem, individual


def _items(enterprise_id: int, iccids: list[str], seed: int) -> list[Incoming]:
    rng = random.Random(seed)
    return [Incoming(enterprise_id, RegistrationRecord.model_validate(individual(rng, iccid=iccid)))
            for iccid in iccids]


async def _accept(db: Database, keyring: Keyring, items: list[Incoming], handoff: Handoff | None) -> list[str]:
    prepared = handoff.prepare(keyring, items) if handoff is not None else prepare(keyring, items)
    async with db.write() as conn:
        outcomes = await accept_and_record(conn, prepared, via="push")
    if handoff is not None:
        handoff.give(prepared, outcomes)
    return [outcome[0] for outcome in outcomes]  # type: ignore[index]


async def _rows(db: Database) -> dict[str, tuple[str, int]]:
    async with db.read() as conn:
        return {r.id: (r.status, r.due_at) for r in await conn.execute(
            select(registrations.c.id, registrations.c.status, registrations.c.due_at))}


def _verifier(db: Database, keyring: Keyring, handoff: Handoff | None = None) -> Verifier:
    return Verifier(write=db.write, keyring=keyring, authority=SandboxAuthority(), linger_seconds=0, handoff=handoff)


async def test_handed_off_rows_are_claimed_at_birth_and_decided_without_opening_them(
        db: Database, master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=4)
    handoff = Handoff(lease_seconds=60)
    before = int(time.time())
    here = await _accept(db, master_key, _items(oem.enterprise_id, oem.iccids[:2], 1), handoff)
    queued = await _accept(db, master_key, _items(oem.enterprise_id, oem.iccids[2:], 2), None)
    rows = await _rows(db)
    assert all(rows[i][1] >= before + 60 for i in here), rows  # claimed until the lease mark
    assert all(rows[i][1] <= int(time.time()) for i in queued), rows  # due now
    assert handoff.size == 2
    # another process's verifier claims only the queued rows
    other = await _verifier(db, master_key).step()
    assert (other.claimed, other.verified) == (2, 2)
    assert {i: s for i, (s, _) in (await _rows(db)).items()} == {**{i: "PENDING" for i in here},
                                                                 **{i: "VERIFIED" for i in queued}}
    # this process's verifier decides its own with a keyring that opens nothing: from memory
    blind = await _verifier(db, new_keyring(), handoff).step()
    assert (blind.claimed, blind.verified, blind.failed) == (2, 2, 0)
    assert handoff.size == 0
    assert {s for s, _ in (await _rows(db)).values()} == {"VERIFIED"}


async def test_rows_of_a_process_that_stopped_are_claimed_by_another_after_the_lease(
        db: Database, master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=2)
    lost = Handoff(lease_seconds=1)  # the process stops before its verifier runs: the hand-off is gone
    ids = await _accept(db, master_key, _items(oem.enterprise_id, oem.iccids, 3), lost)
    other = _verifier(db, master_key)
    assert (await other.step()).claimed == 0  # still claimed
    await asyncio.sleep(2.1)
    assert (await other.step()).verified == 2
    assert {(await _rows(db))[i][0] for i in ids} == {"VERIFIED"}


async def test_a_stopping_process_releases_what_it_had_not_verified(db: Database, master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=2)
    handoff = Handoff(lease_seconds=600)
    await _accept(db, master_key, _items(oem.enterprise_id, oem.iccids, 4), handoff)
    async with db.write() as conn:
        await queue.release(conn, handoff.drain())
    assert handoff.size == 0
    assert (await _verifier(db, master_key).step()).verified == 2  # due now, not in ten minutes


async def test_a_verifier_whose_lease_ran_out_writes_nothing_over_the_claimer(
        db: Database, master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=2)
    handoff = Handoff(lease_seconds=0)  # the lease is over at once: any verifier may claim the rows
    await _accept(db, master_key, _items(oem.enterprise_id, oem.iccids, 5), handoff)
    async with db.write() as conn:  # another process claims them (and is still deciding)
        mark, claimed = await queue.claim(conn, limit=10, now_s=int(time.time()), lease_seconds=60)
    assert len(claimed) == 2
    late = await _verifier(db, master_key, handoff).step()
    assert (late.claimed, late.lost, late.verified) == (2, 2, 0)
    assert {s for s, due in (await _rows(db)).values()} == {"PENDING"}
    assert {due for _, due in (await _rows(db)).values()} == {mark}  # the claimer's lease stands


@pytest.mark.parametrize("lease_over", [True, False], ids=["lease over", "lease running"])
async def test_a_verifier_that_lost_some_rows_decides_the_rest_and_leaves_the_lost_ones_cards_alone(
        db: Database, master_key: Keyring, lease_over: bool) -> None:
    oem = await build_oem(db, master_key, cards=3)
    # lease over: any verifier may claim the rows. Lease running: one row is given back to
    # the queue (as a stopping process does) and claimed; the step, still under its lease,
    # finds out from its UPDATEs' count rather than by reading first
    handoff = Handoff(lease_seconds=0 if lease_over else 600)
    ids = await _accept(db, master_key, _items(oem.enterprise_id, oem.iccids, 9), handoff)
    if not lease_over:
        async with db.write() as conn:
            await queue.release(conn, {ids[1]: (await _rows(db))[ids[1]][1]})
    async with db.write() as conn:  # another process claims one of them (and is still deciding)
        mark, claimed = await queue.claim(conn, limit=1, now_s=int(time.time()), lease_seconds=60)
    lost = ids.index(claimed[0].id)
    assert lease_over or lost == 1
    late = await _verifier(db, master_key, handoff).step()
    assert (late.claimed, late.lost, late.verified) == (3, 1, 2)
    rows = await _rows(db)
    assert rows[ids[lost]] == ("PENDING", mark)  # the claimer's lease stands
    assert {rows[i][0] for i in ids if i != ids[lost]} == {"VERIFIED"}
    async with db.read() as conn:
        held = dict((await conn.execute(select(cards.c.iccid, cards.c.registration_id)
                                        .where(cards.c.iccid.in_(oem.iccids)))).all())
    # only the decided rows' cards changed: the lost row's card waits for its claimer
    assert held == {iccid: None if n == lost else ids[n] for n, iccid in enumerate(oem.iccids)}


async def test_a_full_handoff_leaves_new_rows_to_the_queue(db: Database, master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=3)
    handoff = Handoff(lease_seconds=60, limit=2)
    await _accept(db, master_key, _items(oem.enterprise_id, oem.iccids[:2], 6), handoff)
    late = await _accept(db, master_key, _items(oem.enterprise_id, oem.iccids[2:], 7), handoff)
    assert handoff.size == 2
    assert (await _rows(db))[late[0]][1] <= int(time.time())  # due now, for any verifier
    assert (await _verifier(db, master_key).step()).verified == 1


async def test_a_busy_handoff_does_not_starve_the_queue(db: Database, master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=4)
    handoff = Handoff(lease_seconds=60)
    queued = await _accept(db, master_key, _items(oem.enterprise_id, oem.iccids[:1], 8), None)
    verifier = _verifier(db, master_key, handoff)
    verifier.batch_size = 1
    await _accept(db, master_key, _items(oem.enterprise_id, oem.iccids[1:], 9), handoff)
    await verifier.step()  # a handed-off row
    assert (await _rows(db))[queued[0]][0] == "PENDING"
    await verifier.step()  # then the queue's turn, though the hand-off still holds two
    assert (await _rows(db))[queued[0]][0] == "VERIFIED"
    assert handoff.size == 2


async def test_the_document_acceptance_inspected_is_reused_only_on_the_same_day(
        db: Database, master_key: Keyring) -> None:
    """The hand-off carries the individual's document as acceptance read it; the verifier
    takes that reading only on the day it was made (a birthday may fall in between)."""
    oem = await build_oem(db, master_key, cards=2)
    handoff = Handoff(lease_seconds=60)
    ids = await _accept(db, master_key, _items(oem.enterprise_id, oem.iccids, 10), handoff)
    today = dt.datetime.now(CHINA).date()
    _mark, handed = handoff.take(10)
    assert [h.day for h in handed] == [today, today] and all(h.document for h in handed)
    # a reading that says "born yesterday": taken on its day, refused as under age; not on another day
    young = (handed[0].document[0], today - dt.timedelta(days=1))  # type: ignore[index]
    handoff._rows.extend([handed[0]._replace(document=young),
                          handed[1]._replace(document=young, day=today - dt.timedelta(days=1))])
    await _verifier(db, master_key, handoff).step()
    async with db.read() as conn:
        rows = {r.id: (r.status, r.reasons) for r in await conn.execute(
            select(registrations.c.id, registrations.c.status, registrations.c.reasons))}
    assert rows[ids[0]][0] == "REJECTED" and "HOLDER_UNDERAGE" in rows[ids[0]][1]
    assert rows[ids[1]][0] == "VERIFIED"
