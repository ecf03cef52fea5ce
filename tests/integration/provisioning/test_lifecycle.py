"""The card lifecycle on real databases: legal and illegal moves, history, termination."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from carrier_gateway.db import Database
from numbering.errors import Conflict
from numbering.tables import quarantine
from provisioning.audit.tables import audit_log
from provisioning.cards import lifecycle, machine
from provisioning.cards.store import get_card, history
from tests.integration.provisioning.cardkit import IMEI, issued, put_in_state
from tests.integration.provisioning.factory import ACTOR


async def test_illegal_transition_is_a_conflict_naming_the_state(db: Database) -> None:
    [iccid] = await issued(db)
    async with db.write() as conn:
        with pytest.raises(Conflict) as err:
            await lifecycle.transition(conn, iccid, "ACTIVE", actor=ACTOR, reason="try")
    assert err.value.code == "CARD_STATE_CONFLICT" and "card is INVENTORY" in err.value.detail


async def test_active_needs_a_verified_registration(db: Database) -> None:
    [iccid] = await issued(db)
    await put_in_state(db, iccid, "PENDING")
    async with db.write() as conn:
        with pytest.raises(Conflict, match="real-name status PENDING"):
            await lifecycle.transition(conn, iccid, "ACTIVE", actor=ACTOR, reason="ops says so")


async def test_imei_change_suspension_needs_reverification_not_ops(db: Database) -> None:
    [iccid] = await issued(db)
    await put_in_state(db, iccid, "ACTIVE")
    async with db.write() as conn:
        card = await lifecycle.suspend(conn, iccid, cause="IMEI_CHANGE", actor="network", reason="other device")
        assert card.suspension_cause == "IMEI_CHANGE"
        with pytest.raises(Conflict, match="only after a new registration is verified"):
            await lifecycle.transition(conn, iccid, "ACTIVE", actor=ACTOR, reason="customer called")
        card = await machine.record_outcome(conn, iccid, "VERIFIED", registration_id="reg-2", actor="oem:ak_1",
                                            imei=IMEI)
    assert card.state == "ACTIVE" and card.suspension_cause is None and card.imei == IMEI
    assert card.registration_id == "reg-2"


async def test_ops_suspension_can_be_lifted_by_ops(db: Database) -> None:
    [iccid] = await issued(db)
    await put_in_state(db, iccid, "SUSPENDED")
    async with db.write() as conn:
        card = await lifecycle.transition(conn, iccid, "ACTIVE", actor=ACTOR, reason="check cleared")
    assert card.state == "ACTIVE"


async def test_rejected_reverification_suspends_an_active_card(db: Database) -> None:
    a, b = await issued(db, count=2)
    await put_in_state(db, a, "ACTIVE")
    await put_in_state(db, b, "PENDING")
    async with db.write() as conn:
        ca = await machine.record_outcome(conn, a, "REJECTED", registration_id="reg-9", actor="oem:ak_1")
        cb = await machine.record_outcome(conn, b, "REJECTED", registration_id="reg-9", actor="oem:ak_1")
    assert (ca.state, ca.real_name_status, ca.suspension_cause) == ("SUSPENDED", "REJECTED", "REVERIFICATION_REJECTED")
    assert (cb.state, cb.real_name_status) == ("PENDING", "REJECTED")


async def test_every_transition_is_recorded_with_who_when_why(db: Database) -> None:
    [iccid] = await issued(db)
    await put_in_state(db, iccid, "TEST")
    async with db.write() as conn:
        await lifecycle.transition(conn, iccid, "INVENTORY", actor="ops:7", reason="test passed")
    async with db.read() as conn:
        steps = await history(conn, iccid)
        audited = (await conn.execute(select(audit_log.c.actor, audit_log.c.detail)
                                      .where(audit_log.c.action == "card.transition"))).all()
    assert [(h.from_state, h.to_state, h.actor, h.reason) for h in steps] == [
        ("INVENTORY", "TEST", ACTOR, "factory test"), ("TEST", "INVENTORY", "ops:7", "test passed")]
    assert all(h.at is not None for h in steps) and [a.actor for a in audited] == [ACTOR, "ops:7"]


async def test_termination_quarantines_the_number_and_frees_the_ip(db: Database) -> None:
    a, _ = await issued(db, count=2, static_ip=True)
    async with db.read() as conn:
        card = await get_card(conn, iccid=a)
    done = await put_in_state(db, a, "TERMINATED")
    async with db.read() as conn:
        held = (await conn.execute(select(quarantine))).all()
    assert done.state == "TERMINATED" and done.msisdn == card.msisdn
    assert any(r.first <= int(card.msisdn) <= r.last for r in held)
    async with db.write() as conn:
        from numbering.ip import pools
        again = await pools.assign_addresses(conn, done.enterprise_id, 1)
        with pytest.raises(Conflict, match="TERMINATED is final"):
            await lifecycle.transition(conn, a, "INVENTORY", actor=ACTOR, reason="undo")
    assert again == [card.static_ip]
