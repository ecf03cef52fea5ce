"""Acceptance: a pushed record is written (PENDING) before it is answered.

Only the shape is checked here; everything else is the verifier's work, so accepting
stays cheap. A retried record finds its first copy through its natural key (a keyed
digest of the enterprise and the canonical record), so it never makes a second
registration; a single push may also carry an Idempotency-Key.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.errors import Conflict
from numbering.sqlutil import insert_ignoring_conflicts
from provisioning.documents.dispatch import identity_key
from provisioning.documents.errors import DocumentError
from provisioning.privacy.keyring import Keyring
from provisioning.registrations.ids import new_id
from provisioning.registrations.records import RegistrationRecord
from provisioning.registrations.tables import idempotency_keys, registrations

SUBJECT_CONTEXT = "registration.subject"


class IdempotencyKeyReused(Conflict):
    code = "IDEMPOTENCY_KEY_REUSED"
    title = "Idempotency-Key reused with a different body"


@dataclasses.dataclass(frozen=True)
class Incoming:
    enterprise_id: int
    record: RegistrationRecord
    job_id: str | None = None
    job_line: int | None = None
    idempotency_key: str | None = None
    #: SHA-256 of the request body (for Idempotency-Key comparisons)
    request_hash: str | None = None


def owner_key(record: RegistrationRecord) -> str | None:
    """The owner's identity (an individual's document, or an organisation's USCC), for
    the blind index; None when it is not valid (the verifier will say why)."""
    subject = record.subject
    try:
        if subject.type == "INDIVIDUAL":
            return identity_key(subject.id_type or "", subject.id_number or "")
        return f"USCC:{(subject.uscc or '').strip().upper()}"
    except DocumentError:
        return None


_last_id = ""


def ascending_ids(count: int) -> list[str]:
    """``count`` new registration ids, each greater than every id this process made
    before: ids sort in arrival order (within one batch, and across batches of this
    process), so the verifier decides records in the order they were pushed (a sale
    before the owner change that follows it in the same batch)."""
    global _last_id
    out = []
    for candidate in sorted(new_id("r") for _ in range(count)):
        if candidate <= _last_id:  # the same millisecond drew a smaller random part
            candidate = f"r{int(_last_id[1:], 16) + 1:0{len(_last_id) - 1}x}"
        out.append(candidate)
        _last_id = candidate
    return out


def build_row(keyring: Keyring, item: Incoming, now_s: int, registration_id: str | None = None
              ) -> dict[str, object]:
    record = item.record
    canonical = record.model_dump_json()
    owner = owner_key(record)
    return {
        "id": registration_id or new_id("r"),
        "enterprise_id": item.enterprise_id,
        "card_ref": record.card_ref,
        "stage": record.stage,
        "subject_type": record.subject.type,
        "id_type": record.subject.id_type,
        "subject_enc": keyring.encrypt(record.subject.model_dump_json(), SUBJECT_CONTEXT),
        "doc_index": keyring.blind_index("owner", owner) if owner else None,
        "natural_key": keyring.keyed_digest("registration", f"{item.enterprise_id}\n{canonical}"),
        "vin": record.vin.strip().upper()[:17],
        "imei": record.imei,
        "sold_at": record.sold_at,
        "oem_method": record.oem_verification.method,
        "job_id": item.job_id,
        "job_line": item.job_line,
        "due_at": now_s,
    }


Result = tuple[str, bool] | IdempotencyKeyReused


async def accept(conn: AsyncConnection, keyring: Keyring, items: Sequence[Incoming]) -> list[Result]:
    """Write every record (PENDING) in the caller's transaction.

    Returns, per item, (registration id, created) -- created is False when the record
    (or its Idempotency-Key) had been accepted before and the first id is returned --
    or the error for that item alone (an Idempotency-Key reused with another body).
    Nothing raises for one item, so one bad item never undoes the others.
    """
    results: list[Result | None] = [None] * len(items)
    known = await _known_idempotency_keys(conn, items)
    todo: list[int] = []
    for i, item in enumerate(items):
        if item.idempotency_key and (item.enterprise_id, item.idempotency_key) in known:
            first_hash, first_id = known[(item.enterprise_id, item.idempotency_key)]
            results[i] = (first_id, False) if first_hash == (item.request_hash or "") else IdempotencyKeyReused(
                "this Idempotency-Key was first used with a different request body; use a new key")
        else:
            todo.append(i)
    now_s = int(time.time())
    rows = {i: build_row(keyring, items[i], now_s, rid) for i, rid in zip(todo, ascending_ids(len(todo)), strict=True)}
    first_of: dict[tuple[object, object], int] = {}
    for i in todo:  # the same record twice in one call: later copies point at the first
        first_of.setdefault((rows[i]["enterprise_id"], rows[i]["natural_key"]), i)
    unique = [rows[i] for i in first_of.values()]
    inserted: set[str] = set()
    if unique:
        stmt = insert_ignoring_conflicts(conn, registrations).returning(registrations.c.id)
        inserted = {r.id for r in await conn.execute(stmt, unique)}
    existing = await _ids_by_natural_key(conn, [k for k, i in first_of.items() if rows[i]["id"] not in inserted])
    new_keys = []
    for i in todo:
        key = (rows[i]["enterprise_id"], rows[i]["natural_key"])
        first = first_of[key]
        reg_id = str(rows[first]["id"]) if rows[first]["id"] in inserted else existing[key]
        results[i] = (reg_id, i == first and reg_id in inserted)
        item = items[i]
        if item.idempotency_key:
            pair = (item.enterprise_id, item.idempotency_key)
            if pair in known:  # the same new key twice in this call
                first_hash, first_id = known[pair]
                results[i] = (first_id, False) if first_hash == (item.request_hash or "") else \
                    IdempotencyKeyReused("this Idempotency-Key was first used with a different request body")
                continue
            known[pair] = (item.request_hash or "", reg_id)
            new_keys.append({"enterprise_id": item.enterprise_id, "key": item.idempotency_key,
                             "request_hash": item.request_hash or "", "registration_id": reg_id})
    if new_keys:
        await conn.execute(insert_ignoring_conflicts(conn, idempotency_keys), new_keys)
    return [r for r in results if r is not None]


async def _known_idempotency_keys(conn: AsyncConnection,
                                  items: Sequence[Incoming]) -> dict[tuple[int, str], tuple[str, str]]:
    pairs = {(it.enterprise_id, it.idempotency_key) for it in items if it.idempotency_key}
    if not pairs:
        return {}
    rows = await conn.execute(select(idempotency_keys).where(
        idempotency_keys.c.key.in_({k for _, k in pairs})))
    return {(r.enterprise_id, r.key): (r.request_hash, r.registration_id) for r in rows
            if (r.enterprise_id, r.key) in pairs}


async def _ids_by_natural_key(conn: AsyncConnection, keys: list[tuple[object, object]]) -> dict[tuple, str]:
    found: dict[tuple, str] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        natural = {k for _, k in chunk}
        rows = await conn.execute(select(registrations.c.enterprise_id, registrations.c.natural_key,
                                         registrations.c.id).where(registrations.c.natural_key.in_(natural)))
        for r in rows:
            found[(r.enterprise_id, r.natural_key)] = r.id
    return found


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
