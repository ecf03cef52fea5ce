"""Purging personal data past retention, in chunks, each chunk audited (counts and ids, never data).

A purge replaces the sealed personal data with a sealed tombstone (``{"purged": true}``,
so every reader keeps working and shows the record as purged) and drops every value
derived from the person: blind index, natural key (a keyed digest of the whole record),
VIN and IMEI, and the registration's idempotency keys. What the regulator's report
counts stays: enterprise, card, stage, status, reasons, subject and document type,
dates. On SQLite each purge transaction runs with ``secure_delete`` so the replaced
bytes are zeroed in the file (checkpoint the WAL afterwards; the CLI does).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, bindparam, delete, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.sqlutil import UnitOfWork, in_list
from provisioning.audit.trail import Event, record
from provisioning.enterprises import persons
from provisioning.enterprises.tables import responsible_persons as rp
from provisioning.privacy.keyring import Keyring
from provisioning.registrations.accept import SUBJECT_CONTEXT
from provisioning.registrations.tables import idempotency_keys
from provisioning.registrations.tables import registrations as r
from provisioning.retention import rules

KINDS = ("registrations", "responsible_persons")
PERSON_TOMBSTONE = {"name": "(purged)", "id_number": "", "phone": "", "email": None, "purged": True}


async def _secure(conn: AsyncConnection) -> None:
    if conn.dialect.name == "sqlite":
        await conn.execute(text("PRAGMA secure_delete = ON"))


async def count_due(conn: AsyncConnection, limit: dt.datetime) -> dict[str, int]:
    return {
        "registrations": (await conn.execute(select(func.count()).select_from(r)
                                             .where(rules.registration_expired(limit)))).scalar_one(),
        "responsible_persons": (await conn.execute(select(func.count()).select_from(rp)
                                                   .where(rules.person_expired(limit)))).scalar_one(),
    }


async def _due_ids(conn: AsyncConnection, pk: Any, where: ColumnElement[bool], after: Any, chunk: int) -> list[Any]:
    query = select(pk).where(where)
    if after is not None:
        query = query.where(pk > after)
    return list((await conn.execute(query.order_by(pk).limit(chunk))).scalars())


#: the Idempotency-Keys of purged registrations (on their index: retention runs a chunk at a time)
DELETE_KEYS = delete(idempotency_keys).where(
    in_list(idempotency_keys.c.registration_id, "ids", expanding_on_sqlite=True))


async def purge_registrations(conn: AsyncConnection, keyring: Keyring, limit: dt.datetime, *, after: str | None,
                              chunk: int, actor: str) -> list[str]:
    await _secure(conn)
    ids = await _due_ids(conn, r.c.id, rules.registration_expired(limit), after, chunk)
    if not ids:
        return ids
    kinds = {row.id: row.subject_type for row in await conn.execute(select(r.c.id, r.c.subject_type)
                                                                       .where(r.c.id.in_(ids)))}
    params = [{"b_id": i, "v_subject": keyring.encrypt_json({"type": kinds[i], "purged": True}, SUBJECT_CONTEXT),
               "v_key": rules.purged_key(i)} for i in ids]
    await conn.execute(update(r).where(r.c.id == bindparam("b_id")).values(
        subject_enc=bindparam("v_subject"), natural_key=bindparam("v_key"), doc_index=None, vin="", imei=None),
        params)
    await conn.execute(DELETE_KEYS, {"ids": ids})
    await record(conn, Event(actor, "retention.purged", "registration", ids[0], None,
                             {"count": len(ids), "last": ids[-1], "cutoff": limit.isoformat()}))
    return ids


async def purge_persons(conn: AsyncConnection, keyring: Keyring, limit: dt.datetime, *, after: int | None,
                        chunk: int, actor: str) -> list[int]:
    await _secure(conn)
    ids = await _due_ids(conn, rp.c.id, rules.person_expired(limit), after, chunk)
    if not ids:
        return ids
    params = [{"b_id": i, "v_person": keyring.encrypt_json(PERSON_TOMBSTONE, persons.CONTEXT)} for i in ids]
    await conn.execute(update(rp).where(rp.c.id == bindparam("b_id")).values(
        person_enc=bindparam("v_person"), id_number_index=rules.PURGED_INDEX), params)
    await record(conn, Event(actor, "retention.purged", "responsible_person", ids[0], None,
                             {"count": len(ids), "last": ids[-1], "cutoff": limit.isoformat()}))
    return ids


@dataclasses.dataclass
class Retention:
    write: UnitOfWork
    read: UnitOfWork
    keyring: Keyring
    actor: str
    chunk: int = 500
    #: called after every committed chunk with the kind and how many records it purged
    on_chunk: Callable[[str, int], None] | None = None

    async def due(self, now: dt.datetime) -> dict[str, int]:
        async with self.read() as conn:
            return await count_due(conn, rules.cutoff(now))

    async def run(self, now: dt.datetime) -> dict[str, int]:
        """Purge everything due at ``now``; resumable (purged records are not due again)."""
        limit = rules.cutoff(now)
        purged = dict.fromkeys(KINDS, 0)
        for kind, step in (("registrations", purge_registrations), ("responsible_persons", purge_persons)):
            after = None
            while True:
                async with self.write() as conn:
                    ids = await step(conn, self.keyring, limit, after=after, chunk=self.chunk, actor=self.actor)
                purged[kind] += len(ids)
                if self.on_chunk is not None and ids:
                    self.on_chunk(kind, len(ids))
                if len(ids) < self.chunk:
                    break
                after = ids[-1]
        async with self.write() as conn:
            await record(conn, Event(self.actor, "retention.run", "retention", limit.date().isoformat(), None,
                                     {"cutoff": limit.isoformat(), "purged": purged}))
        return purged
