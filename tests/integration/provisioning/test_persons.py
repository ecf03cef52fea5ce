"""Responsible persons: terms, history, the roster on a date, and encryption at rest."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from carrier_gateway.db import Database
from numbering.errors import Invalid
from provisioning.audit.tables import audit_log
from provisioning.enterprises.persons import add_person, list_persons, roster
from provisioning.enterprises.tables import responsible_persons
from provisioning.privacy.keyring import Keyring
from tests.integration.provisioning.factory import ACTOR, enterprise

ZHANG = {"name": "张三", "id_type": "RESIDENT_ID", "id_number": "11010519491231002X", "phone": "13800138000",
         "email": "zhang.san@example.com"}
LI = {"name": "李四", "id_type": "FOREIGN_PASSPORT", "id_number": "E12345678", "phone": "13900139000"}
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


async def test_new_person_ends_the_previous_term_and_history_is_kept(db: Database, master_key: Keyring) -> None:
    async with db.write() as conn:
        ent = await enterprise(conn)
        first = await add_person(conn, master_key, ent.id, role="REAL_NAME", actor=ACTOR, now=T0, **ZHANG)
        await add_person(conn, master_key, ent.id, role="PURCHASE", actor=ACTOR, now=T0, **ZHANG)
        second = await add_person(conn, master_key, ent.id, role="REAL_NAME", actor=ACTOR,
                                  now=T0 + dt.timedelta(days=30), **LI)
    async with db.read() as conn:
        now = await list_persons(conn, master_key, ent.id)
        before = await list_persons(conn, master_key, ent.id, on=T0 + dt.timedelta(days=1))
        everything = await list_persons(conn, master_key, ent.id, history=True)
        revealed = await list_persons(conn, master_key, ent.id, history=True, reveal=True)
    assert first.name == "张*" and first.id_number == "110105********002X" and first.phone == "138****8000"
    assert {(p.role, p.id) for p in now} == {("PURCHASE", first.id + 1), ("REAL_NAME", second.id)}
    assert {(p.role, p.name) for p in before} == {("PURCHASE", "张*"), ("REAL_NAME", "张*")}
    ended = next(p for p in everything if p.id == first.id)
    assert ended.term_end == T0 + dt.timedelta(days=30) and len(everything) == 3
    assert {p.name for p in revealed} == {"张三", "李四"}


async def test_personal_fields_are_never_stored_or_audited_in_plaintext(db: Database, master_key: Keyring) -> None:
    async with db.write() as conn:
        ent = await enterprise(conn)
        await add_person(conn, master_key, ent.id, role="REAL_NAME", actor=ACTOR, **ZHANG)
    async with db.read() as conn:
        row = (await conn.execute(select(responsible_persons))).one()
        audit = " ".join(r.detail for r in await conn.execute(select(audit_log.c.detail)))
    stored = " ".join(str(v) for v in row)
    for secret in ("张三", ZHANG["id_number"], ZHANG["phone"], ZHANG["email"]):
        assert secret not in stored and secret not in audit
    assert row.id_number_index == master_key.blind_index("RESIDENT_ID", ZHANG["id_number"])


@pytest.mark.parametrize(("field", "value", "code"), [
    ("id_number", "11010519491231002Y", "ID_NUMBER_INVALID"),
    ("id_type", "DRIVING_LICENCE", "ID_TYPE_UNSUPPORTED"),
    ("name", "张3", "PERSON_INVALID"),
    ("name", "\u202e张三", "PERSON_INVALID"),  # a bidi override
    ("name", "John•Smith", "PERSON_INVALID"),  # the middle dot belongs to Chinese names only
    ("phone", "call me", "PERSON_INVALID"),
    ("email", "not-an-email", "PERSON_INVALID"),
])
async def test_invalid_fields_are_refused_without_echoing_them(db: Database, master_key: Keyring, field: str,
                                                               value: str, code: str) -> None:
    async with db.write() as conn:
        ent = await enterprise(conn)
        with pytest.raises(Invalid) as err:
            await add_person(conn, master_key, ent.id, role="REAL_NAME", actor=ACTOR, **{**ZHANG, field: value})
    assert err.value.code == code
    assert field == "id_type" or value not in err.value.detail  # the type is no personal data


@pytest.mark.parametrize(("typed", "stored"), [
    ("阿卜杜ꞏ热合曼", "阿卜杜·热合曼"),  # U+A78F sinological dot, a look-alike of the name separator
    ("阿卜杜・热合曼", "阿卜杜·热合曼"),  # U+30FB katakana middle dot
    ("ＪＯＨＮ ＳＭＩＴＨ", "JOHN SMITH"),
    ("\uf900三", "\u8c48三"),
])
async def test_a_persons_name_is_stored_normalised(db: Database, master_key: Keyring, typed: str,
                                                   stored: str) -> None:
    async with db.write() as conn:
        ent = await enterprise(conn)
        await add_person(conn, master_key, ent.id, role="REAL_NAME", actor=ACTOR, **{**ZHANG, "name": typed})
    async with db.read() as conn:
        [person] = await list_persons(conn, master_key, ent.id, reveal=True)
    assert person.name == stored


async def test_roster_lists_every_enterprise_and_its_gaps(db: Database, master_key: Keyring) -> None:
    async with db.write() as conn:
        a = await enterprise(conn, 1)
        b = await enterprise(conn, 2)
        await add_person(conn, master_key, a.id, role="REAL_NAME", actor=ACTOR, **ZHANG)
        await add_person(conn, master_key, a.id, role="PURCHASE", actor=ACTOR, **LI)
    async with db.read() as conn:
        entries = await roster(conn, master_key)
        old = await roster(conn, master_key, on=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    rows = [e.to_dict() for e in entries]
    assert [(r["enterprise_id"], r["role"]) for r in rows] == [(a.id, "PURCHASE"), (a.id, "REAL_NAME"), (b.id, None)]
    assert rows[1]["name"] == "张*" and rows[1]["uscc"] == a.uscc
    assert old == []
