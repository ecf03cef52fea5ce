"""Back-registration tracking: flags, per-card status against the deadline, and the
per-enterprise summary the inspection report uses."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from carrier_gateway.db import Database
from numbering.errors import Invalid
from provisioning.backfill import flags, status
from provisioning.backfill.flags import BackfillCardsUnknown
from provisioning.cards import lifecycle
from provisioning.privacy.keyring import Keyring
from provisioning.registrations.accept import Incoming, accept, prepare
from provisioning.registrations.authority import SandboxAuthority
from provisioning.registrations.records import RegistrationRecord
from provisioning.registrations.verify import Verifier
from tests.support.world import ACTOR, Oem, build_oem, individual

PAST = dt.date(2022, 9, 30)
FUTURE = dt.date.today() + dt.timedelta(days=365)


async def _register(db: Database, keyring: Keyring, oem: Oem, records: list[dict[str, object]]) -> None:
    async with db.write() as conn:
        await accept(conn, prepare(keyring, [Incoming(oem.enterprise_id, RegistrationRecord.model_validate(r))
                                             for r in records]))
    await Verifier(write=db.write, keyring=keyring, authority=SandboxAuthority()).step()


@pytest.fixture
async def world(db: Database, master_key: Keyring) -> Oem:
    """Six cards: 0 verified (BACKFILL), 1 rejected, 2 waiting for the authority,
    3 untouched, 4 terminated, 5 verified but never flagged; 0-4 flagged."""
    oem = await build_oem(db, master_key, cards=6)
    rng = random.Random(5)
    rejected = individual(rng, iccid=oem.iccids[1], stage="BACKFILL")
    rejected["subject"]["id_expires"] = "2001-01-01"  # type: ignore[index]
    await _register(db, master_key, oem, [
        individual(rng, iccid=oem.iccids[0], stage="BACKFILL"), rejected,
        individual(rng, iccid=oem.iccids[2], stage="BACKFILL", name="王超时"),
        individual(rng, iccid=oem.iccids[5])])
    async with db.write() as conn:
        await lifecycle.transition(conn, oem.iccids[4], "TERMINATED", actor=ACTOR, reason="vehicle scrapped")
        got = await flags.flag_cards(conn, oem.enterprise_id, [i.lower() for i in oem.iccids[:5]], actor=ACTOR)
    assert got == flags.Flagged(5, 0)
    return oem


async def test_each_flagged_card_has_a_status_and_is_overdue_only_after_the_deadline(db: Database,
                                                                                   world: Oem) -> None:
    async with db.read() as conn:
        late = await status.list_flagged(conn, deadline=PAST, enterprise_id=world.enterprise_id)
        early = await status.list_flagged(conn, deadline=FUTURE, enterprise_id=world.enterprise_id)
    by_iccid = {c["iccid"]: c for c in late.items}
    assert [by_iccid[i]["status"] for i in world.iccids[:5]] == [
        "DONE", "REJECTED", "PENDING", "OUTSTANDING", "TERMINATED"]
    assert [by_iccid[i]["overdue"] for i in world.iccids[:5]] == [False, True, True, True, False]
    assert by_iccid[world.iccids[0]]["verified_at"] is not None and world.iccids[5] not in by_iccid
    assert not any(c["overdue"] for c in early.items) and len(early.items) == 5


async def test_overdue_listing_and_pages(db: Database, world: Oem) -> None:
    async with db.read() as conn:
        overdue = await status.list_flagged(conn, deadline=PAST, overdue_only=True)
        none_yet = await status.list_flagged(conn, deadline=FUTURE, overdue_only=True)
        seen, cursor = [], None
        while True:
            page = await status.list_flagged(conn, deadline=PAST, cursor=cursor, limit=2)
            seen += [c["iccid"] for c in page.items]
            assert len(page.items) <= 2
            cursor = page.next_cursor
            if cursor is None:
                break
    assert [c["iccid"] for c in overdue.items] == sorted(world.iccids[1:4])
    assert none_yet.items == [] and seen == sorted(world.iccids[:5])


async def test_summary_per_enterprise(db: Database, master_key: Keyring, world: Oem) -> None:
    other = await build_oem(db, master_key, cards=1, seed=3)
    async with db.read() as conn:
        (late,) = await status.summary(conn, deadline=PAST)
        (early,) = await status.summary(conn, deadline=FUTURE, enterprise_id=world.enterprise_id)
        (empty,) = await status.summary(conn, deadline=PAST, enterprise_id=other.enterprise_id)
    assert late == status.EnterpriseBackfill(world.enterprise_id, flagged=5, done=1, done_late=1, pending=1,
                                             rejected=1, outstanding=3, overdue=3, terminated=1)
    assert (early.overdue, early.done_late, early.outstanding) == (0, 0, 3)
    assert empty == status.EnterpriseBackfill(other.enterprise_id)


async def test_a_later_verified_registration_completes_the_card(db: Database, master_key: Keyring,
                                                                world: Oem) -> None:
    await _register(db, master_key, world, [individual(random.Random(9), iccid=world.iccids[3], stage="BACKFILL")])
    async with db.read() as conn:
        (s,) = await status.summary(conn, deadline=FUTURE, enterprise_id=world.enterprise_id)
    assert (s.done, s.outstanding, s.done_late) == (2, 2, 0)


async def test_flagging_is_all_or_nothing_and_unflag_undoes_it(db: Database, master_key: Keyring,
                                                               world: Oem) -> None:
    other = await build_oem(db, master_key, cards=1, seed=4)
    with pytest.raises(BackfillCardsUnknown, match="1 of 2 ICCIDs are not cards of enterprise"):
        async with db.write() as conn:
            await flags.flag_cards(conn, world.enterprise_id, [world.iccids[5], other.iccids[0]], actor=ACTOR)
    with pytest.raises(Invalid, match="not an ICCID"):
        flags.normalize(["12345"])
    async with db.write() as conn:
        again = await flags.flag_cards(conn, world.enterprise_id, [world.iccids[0], world.iccids[5]], actor=ACTOR)
        removed = await flags.unflag_cards(conn, world.enterprise_id, [world.iccids[5], world.iccids[4]],
                                           actor=ACTOR)
        (s,) = await status.summary(conn, deadline=PAST, enterprise_id=world.enterprise_id)
    assert again == flags.Flagged(1, 1) and removed == 2 and (s.flagged, s.terminated) == (4, 0)
