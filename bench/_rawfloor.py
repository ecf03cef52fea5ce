"""The storage floor of the batch path: raw sqlite3 writing and reading what accepting
and verifying a registration needs, with no Python of ours in between, on the same
machine in the same run as the server it is compared with (bench/registrations.py).

On a fresh file with the real schema, the same OEM, cards and records the server gets,
each batch of rows (built beforehand with ``accept.prepare``, untimed) goes through:

1. acceptance: ``BEGIN IMMEDIATE``, the registrations INSERT (PENDING, claimed for the
   verifier), ``COMMIT``;
2. verification: ``BEGIN IMMEDIATE``, the reads the binding rules need (the cards by
   ICCID, verified registrations by VIN and by owner), the decision's UPDATE of each
   registration, the card's UPDATE and its two history rows, ``COMMIT``.

The connection runs as the server's write connection does (WAL, synchronous=NORMAL, a
checkpoint past 1000 pages), and the garbage collector is settled as the server settles
it after start-up (``settle_garbage_collector``). What the server adds on top of this
floor is HTTP, the schema, sealing and indexing, the checks, the decisions, audit and
the event loop: the ratio carrier/floor says how much of a batch record's time is the
database's.

The work floor (``work=True``) times the records' own work as well, each batch in
turn on one core: the body validated as the router does (``BatchIn``, then
``validate_batch``), the rows built (ids, the subject sealed, blind indexes, natural
keys: ``accept.prepare``), and after acceptance's commit each record's checks as the
verifier runs them on what acceptance inspected (``rules.check_parts``). It is what the
records need from this machine with the libraries the server uses, called directly: no
HTTP, event loop, SQLAlchemy, decision bookkeeping, audit or hand-off. A rate the work
floor does not reach, one process (one core for Python) cannot reach either.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import sqlite3
import time
from typing import Any

from carrier_gateway.api.oem_models import BatchIn
from carrier_gateway.api.oem_registrations import validate_batch
from carrier_gateway.serving import settle_garbage_collector
from provisioning.privacy.keyring import Keyring
from provisioning.registrations.accept import Incoming, Prepared, prepare
from provisioning.registrations.policy import Policy
from provisioning.registrations.rules import check_parts

_INSERT_COLUMNS = ("id", "enterprise_id", "card_ref", "stage", "subject_type", "id_type", "subject_enc", "doc_index",
                   "natural_key", "vin", "imei", "sold_at", "oem_method", "job_id", "job_line", "due_at")
#: a column's position in the inserted rows
_AT = {name: i for i, name in enumerate(_INSERT_COLUMNS)}
_INSERT = (f"INSERT INTO registrations ({', '.join(_INSERT_COLUMNS)}) VALUES ({', '.join('?' * len(_INSERT_COLUMNS))})"
           " ON CONFLICT DO NOTHING")
_CARDS = ("SELECT iccid, msisdn, enterprise_id, state, real_name_status, registration_id, imei, imei_bound_at, "
          "state_changed_at FROM cards WHERE enterprise_id = ? AND iccid IN (SELECT value FROM json_each(?))")
_BY_VIN = ("SELECT registrations.vin, registrations.iccid, registrations.doc_index FROM registrations "
           "JOIN cards ON cards.iccid = registrations.iccid WHERE registrations.status = 'VERIFIED' "
           "AND cards.state != 'TERMINATED' AND registrations.vin IN (SELECT value FROM json_each(?))")
_BY_OWNER = ("SELECT registrations.doc_index, registrations.iccid FROM registrations "
             "JOIN cards ON cards.iccid = registrations.iccid WHERE registrations.status = 'VERIFIED' "
             "AND cards.state != 'TERMINATED' AND registrations.subject_type = 'INDIVIDUAL' "
             "AND registrations.doc_index IN (SELECT value FROM json_each(?))")
_DECIDED = ("UPDATE registrations SET status = ?, reasons = ?, iccid = ?, decided_at = ?, attempts = ?, failures = 0 "
            "WHERE id = ? AND status = ? AND due_at = ?")
_CARD = ("UPDATE cards SET state = ?, real_name_status = ?, registration_id = ?, imei = ?, imei_bound_at = ?, "
         "suspension_cause = ?, state_changed_at = ? WHERE iccid = ?")
_HISTORY = ("INSERT INTO card_history (iccid, enterprise_id, from_state, to_state, actor, reason, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)")


def batch_floor(path: str, keyring: Keyring, bodies: list[bytes], enterprise_id: int, *, work: bool = False
                ) -> tuple[float, dict[str, float]]:
    """(records/s, microseconds a record by part) through the writes and reads above for
    every body (batches as the server gets them), measured on the database file at
    ``path``. The parts: "statements" (the database's), and with ``work`` (the work
    floor, above) "schema", "rows" and "checks"."""
    batches = [] if work else [_rows(_prepared(keyring, _validated(body, enterprise_id)))
                               for body in bodies]  # untimed
    policy = Policy()
    threshold = gc.get_threshold()
    settle_garbage_collector()  # as `carrier serve` does after start-up: a floor no server needs to carry
    spent = dict.fromkeys(("statements", "schema", "rows", "checks") if work else ("statements",), 0.0)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA wal_autocheckpoint = 1000")
        count = 0
        start = time.perf_counter()
        for n in range(len(bodies)):
            prepared = None
            if work:
                at = time.perf_counter()
                items = _validated(bodies[n], enterprise_id)
                spent["schema"] += time.perf_counter() - at
                at = time.perf_counter()
                prepared = _prepared(keyring, items)
                rows = _rows(prepared)
                spent["rows"] += time.perf_counter() - at
            else:
                rows = batches[n]
            at = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            written = conn.executemany(_INSERT, rows).rowcount
            conn.execute("COMMIT")
            if written != len(rows):
                raise SystemExit(f"storage floor: {written} of {len(rows)} registrations inserted")
            spent["statements"] += time.perf_counter() - at
            if prepared is not None:
                at = time.perf_counter()
                _check(prepared, policy)
                spent["checks"] += time.perf_counter() - at
            at = time.perf_counter()
            _verify(conn, rows, enterprise_id)
            spent["statements"] += time.perf_counter() - at
            count += len(rows)
        seconds = time.perf_counter() - start
    finally:
        conn.close()
        gc.unfreeze()
        gc.set_threshold(*threshold)
    return count / seconds, {part: value / count * 1e6 for part, value in spent.items()}


def _validated(body: bytes, enterprise_id: int) -> list[Incoming]:
    """A batch body's valid records, as the router and push_batch validate them."""
    return validate_batch(enterprise_id, BatchIn.model_validate_json(body))[1]


def _prepared(keyring: Keyring, items: list[Incoming]) -> Prepared:
    """The records' rows as acceptance builds them (ids, sealed subjects, indexes)."""
    return prepare(keyring, items, claimed_until=int(time.time()) + 60)


def _rows(prepared: Prepared) -> list[tuple[Any, ...]]:
    return [_row_values(row) for row in prepared.rows]


def _check(prepared: Prepared, policy: Policy) -> None:
    """Each record's checks, as the verifier runs them on rows handed to it."""
    for item, document in zip(prepared.items, prepared.documents, strict=True):
        record = item.record
        checked = check_parts(record.subject, record.vin, record.imei, record.sold_at, today=prepared.day,
                              policy=policy, inspected=document)
        if checked.reasons:  # the bench's records are all valid: a floor that rejected would skip work
            raise SystemExit(f"work floor: a record failed its checks: {checked.reasons}")


def _verify(conn: sqlite3.Connection, rows: list[tuple[Any, ...]], enterprise_id: int) -> None:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    ids, refs, vins, owners, imeis, marks = (
        [row[_AT[name]] for row in rows] for name in ("id", "card_ref", "vin", "doc_index", "imei", "due_at"))
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(_CARDS, (enterprise_id, json.dumps(refs))).fetchall()
    conn.execute(_BY_VIN, (json.dumps(vins),)).fetchall()
    conn.execute(_BY_OWNER, (json.dumps([o for o in owners if o]),)).fetchall()
    decided = conn.executemany(_DECIDED, [("VERIFIED", "[]", ref, now, 1, rid, "PENDING", mark)
                                          for rid, ref, mark in zip(ids, refs, marks, strict=True)]).rowcount
    moved = conn.executemany(_CARD, [("ACTIVE", "VERIFIED", rid, imei, now, None, now, ref)
                                     for rid, ref, imei in zip(ids, refs, imeis, strict=True)]).rowcount
    if decided != len(rows) or moved != len(rows):  # a floor that wrote less would flatter nobody but itself
        raise SystemExit(f"storage floor: {decided} registrations decided and {moved} cards moved of {len(rows)}")
    conn.executemany(_HISTORY, [row for rid, ref in zip(ids, refs, strict=True) for row in (
        (ref, enterprise_id, "INVENTORY", "PENDING", "verifier:bench", f"sold: registration {rid} received", now),
        (ref, enterprise_id, "PENDING", "ACTIVE", "verifier:bench", f"registration {rid} verified", now))])
    conn.execute("COMMIT")


def _row_values(row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row[name].isoformat() if name == "sold_at" and isinstance(row[name], dt.date) else row[name]
                 for name in _INSERT_COLUMNS)
