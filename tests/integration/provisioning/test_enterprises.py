"""Enterprises and their registered destinations on real databases."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from carrier_gateway.db import Database
from numbering.errors import Conflict, Invalid, NotFound
from provisioning.audit.tables import audit_log
from provisioning.enterprises import destinations
from provisioning.enterprises.errors import AuthorizationExpired
from provisioning.enterprises.registry import add_enterprise, get_enterprise, list_enterprises, update_enterprise
from tests.integration.provisioning.factory import ACTOR, enterprise, uscc


async def test_oem_is_recorded_with_a_default_apn_and_audited(db: Database) -> None:
    async with db.write() as conn:
        ent = await add_enterprise(conn, name="某某汽车有限公司", uscc=uscc(1), actor=ACTOR,
                                   callback_url="https://oem.example/hook")
    async with db.read() as conn:
        again = await get_enterprise(conn, ent.id)
        events = (await conn.execute(select(audit_log.c.action, audit_log.c.object_id))).all()
    assert again == ent and ent.kind == "OEM" and ent.apn == f"iov-e{ent.id}.carrier"
    assert ("enterprise.created", str(ent.id)) in events


@pytest.mark.parametrize("authority", ["A", "N", "Y"])
async def test_uscc_starting_with_a_n_y_is_accepted(db: Database, authority: str) -> None:
    async with db.write() as conn:
        ent = await add_enterprise(conn, name="机关单位", uscc=uscc(7, authority), actor=ACTOR)
    assert ent.uscc.startswith(authority)


async def test_bad_or_duplicate_uscc_is_refused(db: Database) -> None:
    good = uscc(2)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    async with db.write() as conn:
        with pytest.raises(Invalid) as err:
            await add_enterprise(conn, name="X", uscc=bad, actor=ACTOR)
        assert err.value.code == "USCC_INVALID"
        await add_enterprise(conn, name="X", uscc=good, actor=ACTOR)
        with pytest.raises(Conflict, match="already enterprise"):
            await add_enterprise(conn, name="Y", uscc=good.lower(), actor=ACTOR)


async def test_agent_needs_an_oem_and_a_validity(db: Database) -> None:
    async with db.write() as conn:
        oem = await enterprise(conn, 1)
        with pytest.raises(Invalid, match="authorized-by"):
            await add_enterprise(conn, name="代理", uscc=uscc(2), kind="AGENT", actor=ACTOR)
        until = dt.date(2030, 12, 31)
        agent = await add_enterprise(conn, name="代理", uscc=uscc(2), kind="AGENT", authorized_by=oem.id,
                                     authorized_until=until, actor=ACTOR)
        with pytest.raises(Invalid, match="only an OEM"):
            await add_enterprise(conn, name="代理2", uscc=uscc(3), kind="AGENT", authorized_by=agent.id,
                                 authorized_until=until, actor=ACTOR)
        with pytest.raises(NotFound):
            await add_enterprise(conn, name="代理3", uscc=uscc(4), kind="AGENT", authorized_by=999,
                                 authorized_until=until, actor=ACTOR)
    assert agent.authorized_by == oem.id and agent.authorized_until == until
    agent.check_may_buy(until)
    with pytest.raises(AuthorizationExpired, match="expired on 2030-12-31"):
        agent.check_may_buy(until + dt.timedelta(days=1))


async def test_update_and_list(db: Database) -> None:
    async with db.write() as conn:
        a = await enterprise(conn, 1, with_destinations=False)
        await enterprise(conn, 2, with_destinations=False)
        changed = await update_enterprise(conn, a.id, actor=ACTOR, callback_url="https://new.example/cb")
        with pytest.raises(Invalid, match="http"):
            await update_enterprise(conn, a.id, actor=ACTOR, callback_url="ftp://x")
    async with db.read() as conn:
        listed = await list_enterprises(conn)
    assert changed.callback_url == "https://new.example/cb"
    assert [e.id for e in listed] == [a.id, a.id + 1]


async def test_destinations_are_normalised_limited_and_removable(db: Database) -> None:
    async with db.write() as conn:
        ent = await enterprise(conn, 1, with_destinations=False)
        assert await destinations.add_destination(conn, ent.id, "PLATFORM_PREFIX", "10.1.2.3/16",
                                                  actor=ACTOR) == "10.1.0.0/16"
        assert await destinations.add_destination(conn, ent.id, "CALL_CENTRE", "+86 400-800-1234",
                                                  actor=ACTOR) == "4008001234"
        for i in range(9):
            await destinations.add_destination(conn, ent.id, "CALL_CENTRE", f"40080000{i:02d}", actor=ACTOR)
        with pytest.raises(Conflict, match="already has 10"):
            await destinations.add_destination(conn, ent.id, "CALL_CENTRE", "4008009999", actor=ACTOR)
        with pytest.raises(Invalid):
            await destinations.add_destination(conn, ent.id, "PLATFORM_PREFIX", "0.0.0.0/0", actor=ACTOR)
        with pytest.raises(Invalid):
            await destinations.add_destination(conn, ent.id, "SHORT_CODE", "12ab", actor=ACTOR)
        await destinations.remove_destination(conn, ent.id, "CALL_CENTRE", "4008001234", actor=ACTOR)
        with pytest.raises(NotFound):
            await destinations.remove_destination(conn, ent.id, "CALL_CENTRE", "4008001234", actor=ACTOR)
        listed = await destinations.list_destinations(conn, ent.id)
        loaded = await destinations.load_destinations(conn, ent.id, ent.apn)
    assert listed["PLATFORM_PREFIX"] == ["10.1.0.0/16"] and len(listed["CALL_CENTRE"]) == 9
    assert "4008001234" not in loaded.call_centres and len(loaded.platforms) == 1
