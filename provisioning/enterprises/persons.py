"""Responsible persons per enterprise and role, with full history (clause 10).

A new person for a role ends the serving person's term at the same instant, so the
roster as it stood at any moment has at most one person per enterprise and role.
Personal fields are sealed with the keyring; reads show masked values unless
``reveal=True`` (for an audited, purpose-stated read by the caller).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.dbtypes import utcnow
from numbering.sqlutil import lock_names
from provisioning.audit.trail import Event, record
from provisioning.enterprises import people
from provisioning.enterprises.registry import get_enterprise
from provisioning.enterprises.tables import enterprises
from provisioning.enterprises.tables import responsible_persons as rp
from provisioning.privacy.keyring import Keyring
from provisioning.privacy.masking import mask_email, mask_id_number, mask_name, mask_phone

CONTEXT = "enterprise.responsible_person"


@dataclasses.dataclass(frozen=True)
class Person:
    id: int
    enterprise_id: int
    role: str
    name: str
    id_type: str
    id_number: str
    phone: str
    email: str | None
    term_start: dt.datetime
    term_end: dt.datetime | None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


async def add_person(conn: AsyncConnection, keyring: Keyring, enterprise_id: int, *, role: str, name: str,
                     id_type: str, id_number: str, phone: str, email: str | None = None, actor: str,
                     now: dt.datetime | None = None) -> Person:
    """Name the responsible person for ``role``; ends the previous one's term."""
    fields = {"name": people.check_name(name), "id_number": people.check_id(id_type, id_number),
              "phone": people.check_phone(phone), "email": people.check_email(email)}
    people.check_role(role)
    await get_enterprise(conn, enterprise_id)
    # concurrent appointments to one role take turns: each ends the term the previous one began
    await lock_names(conn, [f"persons:{enterprise_id}:{role}"])
    now = now or utcnow()
    ended = (await conn.execute(
        update(rp).where(rp.c.enterprise_id == enterprise_id, rp.c.role == role, rp.c.term_end.is_(None))
        .values(term_end=now, ended_by=actor).returning(rp.c.id)
    )).scalars().all()
    new_id = (await conn.execute(insert(rp).values(
        enterprise_id=enterprise_id, role=role, id_type=id_type,
        person_enc=keyring.encrypt_json(fields, CONTEXT),
        id_number_index=keyring.blind_index(id_type, fields["id_number"]),
        term_start=now, created_by=actor,
    ).returning(rp.c.id))).scalar_one()
    await record(conn, Event(actor, "person.appointed", "responsible_person", new_id, enterprise_id,
                             {"role": role, "id_type": id_type, "replaces": ended[0] if ended else None}))
    return _person(keyring, new_id, enterprise_id, role, id_type, fields, now, None, reveal=False)


def _person(keyring: Keyring, pid: int, enterprise_id: int, role: str, id_type: str, fields: dict[str, Any],
            start: dt.datetime, end: dt.datetime | None, *, reveal: bool) -> Person:
    if not reveal:
        fields = {"name": mask_name(fields["name"]), "id_number": mask_id_number(fields["id_number"]),
                  "phone": mask_phone(fields["phone"]), "email": mask_email(fields.get("email"))}
    return Person(pid, enterprise_id, role, fields["name"], id_type, fields["id_number"], fields["phone"],
                  fields.get("email"), start, end)


def _serving_at(at: dt.datetime) -> Any:
    return and_(rp.c.term_start <= at, or_(rp.c.term_end.is_(None), rp.c.term_end > at))


async def list_persons(conn: AsyncConnection, keyring: Keyring, enterprise_id: int, *,
                       on: dt.datetime | None = None, history: bool = False, reveal: bool = False) -> list[Person]:
    """Serving persons now (or at ``on``); with ``history`` every term ever recorded."""
    await get_enterprise(conn, enterprise_id)
    query = select(rp).where(rp.c.enterprise_id == enterprise_id)
    if not history:
        query = query.where(_serving_at(on or utcnow()))
    rows = await conn.execute(query.order_by(rp.c.role, rp.c.term_start, rp.c.id))
    return [_person(keyring, r.id, r.enterprise_id, r.role, r.id_type, keyring.decrypt_json(r.person_enc, CONTEXT),
                    r.term_start, r.term_end, reveal=reveal) for r in rows]


@dataclasses.dataclass(frozen=True)
class RosterEntry:
    enterprise_id: int
    enterprise_name: str
    uscc: str
    kind: str
    person: Person | None

    def to_dict(self) -> dict[str, Any]:
        p = self.person
        return {"enterprise_id": self.enterprise_id, "enterprise_name": self.enterprise_name, "uscc": self.uscc,
                "kind": self.kind, "role": p.role if p else None, "name": p.name if p else None,
                "id_type": p.id_type if p else None, "id_number": p.id_number if p else None,
                "phone": p.phone if p else None, "email": p.email if p else None,
                "term_start": p.term_start if p else None}


async def roster(conn: AsyncConnection, keyring: Keyring, *, on: dt.datetime | None = None,
                 enterprise_id: int | None = None, reveal: bool = False) -> list[RosterEntry]:
    """Every enterprise that existed at ``on`` with its serving persons (masked); an
    enterprise with nobody serving appears once with ``person=None`` (a gap to chase)."""
    at = on or utcnow()
    ents = select(enterprises.c.id, enterprises.c.name, enterprises.c.uscc, enterprises.c.kind).where(
        enterprises.c.created_at <= at)
    if enterprise_id is not None:
        ents = ents.where(enterprises.c.id == enterprise_id)
    e = ents.subquery()
    persons = select(rp).where(_serving_at(at)).subquery()
    query = (select(e.c.id, e.c.name, e.c.uscc, e.c.kind, persons.c.id.label("pid"), persons.c.role,
                    persons.c.id_type, persons.c.person_enc, persons.c.term_start, persons.c.term_end)
             .select_from(e.outerjoin(persons, persons.c.enterprise_id == e.c.id)))
    out: list[RosterEntry] = []
    for r in (await conn.execute(query)).all():
        person = None
        if r.pid is not None:
            person = _person(keyring, r.pid, r.id, r.role, r.id_type, keyring.decrypt_json(r.person_enc, CONTEXT),
                             r.term_start, r.term_end, reveal=reveal)
        out.append(RosterEntry(r.id, r.name, r.uscc, r.kind, person))
    out.sort(key=lambda e: (e.enterprise_id, e.person.role if e.person else ""))
    return out
