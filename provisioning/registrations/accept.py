"""Acceptance: a pushed record is written (PENDING) before it is answered.

Only the shape is checked here; everything else is the verifier's work, so accepting
stays cheap. A retried record finds its first copy through its natural key (its card,
then a keyed digest of the enterprise and the canonical record: ``natural_key``), so it
never makes a second registration; a single push may also carry an Idempotency-Key.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import time
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.dbtypes import executemany
from numbering.errors import Conflict
from numbering.sqlutil import chunked, in_list, insert_ignoring_conflicts, insert_new
from provisioning.documents.dispatch import inspect_document
from provisioning.documents.errors import DocumentError
from provisioning.documents.gb11643 import today_in_china
from provisioning.privacy.keyring import Keyring
from provisioning.registrations.ids import new_ids
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


#: an individual's document as ``inspect_document`` read it: (identity key, birth date)
Inspected = tuple[str, dt.date | None]


def owner_key(record: RegistrationRecord, today: dt.date) -> tuple[str | None, Inspected | None]:
    """The owner's identity (an individual's document, or an organisation's USCC), for
    the blind index, None when it is not valid (the verifier will say why); and an
    individual's document as inspected on ``today`` (the verifier reuses it that day)."""
    subject = record.subject
    if subject.type != "INDIVIDUAL":
        return f"USCC:{(subject.uscc or '').strip().upper()}", None
    try:
        inspected = inspect_document(subject.id_type or "", subject.id_number or "", today=today)
    except DocumentError:
        return None, None
    return inspected[0], inspected


_last_id = ""


def ascending_ids(count: int) -> list[str]:
    """``count`` new registration ids, each greater than every id this process made
    before: ids sort in arrival order (within one batch, and across batches of this
    process), so the verifier decides records in the order they were pushed (a sale
    before the owner change that follows it in the same batch)."""
    global _last_id
    out = []
    for candidate in sorted(new_ids(count, "r")):
        if candidate <= _last_id:  # the same millisecond drew a smaller random part
            candidate = f"r{int(_last_id[1:], 16) + 1:0{len(_last_id) - 1}x}"
        out.append(candidate)
        _last_id = candidate
    return out


def natural_key(keyring: Keyring, enterprise_id: int, record: RegistrationRecord, canonical: str) -> str:
    """The record's natural key: its card reference, then a keyed digest of the
    enterprise and the canonical record (which names the card too, so the prefix changes
    no equality). The unique index on it is then ordered by card: a push lands beside
    the pushes for neighbouring cards (an enterprise's cards come in blocks of
    numbers, pushed roughly in order) instead of at a random place, where each new key
    dirtied its own index page and the commit wrote that page to the WAL again (single
    pushes +10% a second, batches +4%: docs/performance.md). The card reference is no
    personal data and is stored in its own column anyway."""
    digest = keyring.keyed_digest("registration", f"{enterprise_id}\n{canonical}")
    return f"{record.card_ref}:{digest}"


def build_row(keyring: Keyring, item: Incoming, due_at: int, registration_id: str, today: dt.date
              ) -> tuple[dict[str, object], Inspected | None]:
    """The row to insert, and the individual's document as inspected on ``today``."""
    record = item.record
    canonical, subject = record.dump_json()
    owner, inspected = owner_key(record, today)
    sealed = keyring.encrypt(subject, SUBJECT_CONTEXT)
    return {
        "id": registration_id,
        "enterprise_id": item.enterprise_id,
        "card_ref": record.card_ref,
        "stage": record.stage,
        "subject_type": record.subject.type,
        "id_type": record.subject.id_type,
        "subject_enc": sealed,
        "doc_index": keyring.blind_index("owner", owner) if owner else None,
        "natural_key": natural_key(keyring, item.enterprise_id, record, canonical),
        "vin": record.vin.strip().upper()[:17],
        "imei": record.imei,
        "sold_at": record.sold_at,
        "oem_method": record.oem_verification.method,
        "job_id": item.job_id,
        "job_line": item.job_line,
        "due_at": due_at,
    }, inspected


Result = tuple[str, bool] | IdempotencyKeyReused
KeyPair = tuple[int, str]


def _key(item: Incoming) -> KeyPair | None:
    return (item.enterprise_id, item.idempotency_key) if item.idempotency_key else None


def _replay(first: tuple[str, str], item: Incoming) -> Result:
    """The answer to a repeat of a key: the first registration, if the body is the same."""
    first_hash, first_id = first
    if first_hash == (item.request_hash or ""):
        return (first_id, False)
    return IdempotencyKeyReused("this Idempotency-Key was first used with a different request body; use a new key")


@dataclasses.dataclass(frozen=True)
class Prepared:
    """Records ready to store: each item's row (id, sealed subject, blind indexes) built
    before the write transaction opens, so that CPU work never holds the write lock."""

    items: Sequence[Incoming]
    rows: Sequence[dict[str, object]]
    #: each individual's document as inspected on ``day`` (None: an organisation, or invalid)
    documents: Sequence[Inspected | None]
    #: the date (in China) the documents were inspected on
    day: dt.date
    #: the rows are written claimed by this process's verifier until then (handoff.py)
    claimed_until: int | None = None

    def __len__(self) -> int:
        return len(self.items)

    def part(self, start: int, stop: int | None = None) -> Prepared:
        return dataclasses.replace(self, items=self.items[start:stop], rows=self.rows[start:stop],
                                   documents=self.documents[start:stop])

    def only(self, keep: Sequence[int]) -> Prepared:
        return dataclasses.replace(self, items=[self.items[i] for i in keep], rows=[self.rows[i] for i in keep],
                                   documents=[self.documents[i] for i in keep])


def prepare(keyring: Keyring, items: Sequence[Incoming], *, claimed_until: int | None = None) -> Prepared:
    """Each item's row, ids ascending in the items' order (no database work). With
    ``claimed_until`` the rows are written already claimed until that lease mark (due
    then, not now): this process's verifier is handed them (handoff.py)."""
    due = int(time.time()) if claimed_until is None else claimed_until
    today = today_in_china()
    built = [build_row(keyring, item, due, rid, today)
             for item, rid in zip(items, ascending_ids(len(items)), strict=True)]
    return Prepared(items, [row for row, _ in built], [document for _, document in built], today, claimed_until)


async def accept(conn: AsyncConnection, prepared: Prepared) -> list[Result]:
    """Write every record (PENDING) in the caller's transaction.

    Returns, per item, (registration id, created) -- created is False when the record
    (or its Idempotency-Key) had been accepted before and the first id is returned --
    or the error for that item alone (an Idempotency-Key reused with another body).
    Nothing raises for one item, so one bad item never undoes the others.

    Both dedups are decided by the database, so any number of processes answer like
    one: a new Idempotency-Key is claimed (its primary key) before its record is
    written, and a record by its natural key (a unique index). A concurrent claim of the
    same key or record waits for the other transaction and then finds its row.
    """
    items = prepared.items
    results: list[Result | None] = [None] * len(items)
    known = await _known_idempotency_keys(conn, {p for p in map(_key, items) if p})
    todo = []
    for i, item in enumerate(items):
        pair = _key(item)
        if pair and pair in known:
            results[i] = _replay(known[pair], item)
        else:
            todo.append(i)
    rows = {i: prepared.rows[i] for i in todo}
    claimer: dict[KeyPair, int] = {}  # each new key, and the first item in this call carrying it
    for i in todo:
        pair = _key(items[i])
        if pair:
            claimer.setdefault(pair, i)
    won = await _claim_keys(conn, {pair: (items[i].request_hash or "", str(rows[i]["id"]))
                                   for pair, i in claimer.items()})
    lost = set(claimer) - won
    if lost:  # another transaction claimed them first (and has committed: ours waited for it)
        known.update(await _known_idempotency_keys(conn, lost))
    writing, repeats = [], []
    for i in todo:
        pair = _key(items[i])
        if pair is None or (claimer[pair] == i and pair not in known):
            writing.append(i)
        elif claimer[pair] != i:
            repeats.append(i)  # the same key again in this call: answered from its first item below
        else:
            results[i] = _replay(known[pair], items[i])
    await _write_records(conn, items, rows, writing, results)
    moved = [{"b_enterprise_id": pair[0], "b_key": pair[1], "v_registration_id": results[i][0]}  # type: ignore[index]
             for pair, i in claimer.items() if pair in won and results[i][0] != rows[i]["id"]]  # type: ignore[index]
    if moved:  # the record was a repeat of an earlier one: the key answers with that registration
        await conn.execute(update(idempotency_keys).where(
            idempotency_keys.c.enterprise_id == bindparam("b_enterprise_id"),
            idempotency_keys.c.key == bindparam("b_key")).values(registration_id=bindparam("v_registration_id")),
            moved)
    for i in repeats:
        first = claimer[_key(items[i])]  # type: ignore[index]
        first_result = results[first]
        assert isinstance(first_result, tuple)
        results[i] = _replay((items[first].request_hash or "", first_result[0]), items[i])
    return [r for r in results if r is not None]


async def _write_records(conn: AsyncConnection, items: Sequence[Incoming], rows: dict[int, dict[str, object]],
                         writing: list[int], results: list[Result | None]) -> None:
    """Insert the records at ``writing`` (each new natural key once) and set each one's
    result: its new registration, or the one that first stored the same record."""
    first_of: dict[tuple[object, object], int] = {}
    for i in writing:  # the same record twice in one call: later copies point at the first
        first_of.setdefault((rows[i]["enterprise_id"], rows[i]["natural_key"]), i)
    # in key order: two transactions inserting the same records wait on each other in one order, not in a circle
    ordered = [rows[first_of[key]] for key in sorted(first_of)]  # type: ignore[type-var]
    inserted: set[str] | None = None
    # executemany counts the rows it wrote (-1 where it cannot): all of them is the common case
    if await executemany(conn, insert_ignoring_conflicts(conn, registrations), ordered) == len(ordered):
        inserted = {str(row["id"]) for row in ordered}  # every record is new
    existing: dict[tuple, str] = {}
    if inserted is None or len(inserted) < len(ordered):  # some were stored before: their stored ids
        existing = await _ids_by_natural_key(conn, [k for k, i in first_of.items()
                                                    if inserted is None or rows[i]["id"] not in inserted])
        if inserted is None:
            inserted = {str(rows[i]["id"]) for key, i in first_of.items() if existing.get(key) == rows[i]["id"]}
    for i in writing:
        key = (rows[i]["enterprise_id"], rows[i]["natural_key"])
        first = first_of[key]
        reg_id = str(rows[first]["id"]) if rows[first]["id"] in inserted else existing[key]
        results[i] = (reg_id, i == first and reg_id in inserted)


async def _claim_keys(conn: AsyncConnection, claims: dict[KeyPair, tuple[str, str]]) -> set[KeyPair]:
    """Insert the new keys (request hash, provisional registration id); the ones this
    transaction got (a key already there, or claimed concurrently, is not returned)."""
    if not claims:
        return set()
    rows = [{"enterprise_id": e, "key": k, "request_hash": h, "registration_id": rid}
            for (e, k), (h, rid) in sorted(claims.items())]  # in key order, as the records are
    return {(r.enterprise_id, r.key) for r in await insert_new(conn, idempotency_keys, rows, "enterprise_id", "key")}


async def _known_idempotency_keys(conn: AsyncConnection, pairs: set[KeyPair]) -> dict[KeyPair, tuple[str, str]]:
    return {(r.enterprise_id, r.key): (r.request_hash, r.registration_id)
            for r in await _per_enterprise(conn, _KNOWN_KEYS, pairs)}


async def _ids_by_natural_key(conn: AsyncConnection, keys: list[tuple[object, object]]) -> dict[tuple, str]:
    """The stored registration of each (enterprise id, natural key)."""
    return {(r.enterprise_id, r.natural_key): r.id for r in await _per_enterprise(conn, _BY_NATURAL_KEY, keys)}


async def _per_enterprise(conn: AsyncConnection, stmt: Any, pairs: Iterable[tuple[Any, Any]]) -> list[Any]:
    """The rows of ``stmt`` for every (enterprise id, value) pair: one query per enterprise
    (and chunk of values), each on the index that leads with the enterprise; a list of
    values alone would not use it and would scan the table."""
    by_enterprise: dict[Any, list[Any]] = {}
    for enterprise_id, value in pairs:
        by_enterprise.setdefault(enterprise_id, []).append(value)
    rows: list[Any] = []
    for enterprise_id, values in by_enterprise.items():
        for part in chunked(sorted(values)):
            rows += (await conn.execute(stmt, {"enterprise_id": enterprise_id, "values": part})).all()
    return rows


# Built once; each looks up (enterprise_id, value) pairs on a unique index led by the enterprise.
_KNOWN_KEYS = select(idempotency_keys).where(
    idempotency_keys.c.enterprise_id == bindparam("enterprise_id"),
    in_list(idempotency_keys.c.key, "values"))
_BY_NATURAL_KEY = select(registrations.c.enterprise_id, registrations.c.natural_key, registrations.c.id).where(
    registrations.c.enterprise_id == bindparam("enterprise_id"),
    in_list(registrations.c.natural_key, "values"))


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
