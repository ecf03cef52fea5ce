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
checkpoint past 1000 pages). What the server adds on top of this floor is HTTP, the
schema, sealing and indexing, the checks, the decisions, audit and the event loop: the
ratio carrier/floor says how much of a batch record's time is the database's.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
from typing import Any

from carrier_gateway.api.oem_models import BatchIn
from carrier_gateway.api.oem_registrations import validate_batch
from provisioning.privacy.keyring import Keyring
from provisioning.registrations.accept import prepare

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


def batch_floor(path: str, keyring: Keyring, bodies: list[bytes], enterprise_id: int) -> float:
    """Records/s through the writes and reads above for every body (batches as the
    server gets them), measured on the database file at ``path``."""
    batches = []
    for body in bodies:  # untimed: the rows exactly as acceptance builds them
        _results, items, _positions = validate_batch(enterprise_id, BatchIn.model_validate_json(body))
        prepared = prepare(keyring, items, claimed_until=int(time.time()) + 60)
        batches.append([_row_values(row) for row in prepared.rows])
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA wal_autocheckpoint = 1000")
        count = 0
        start = time.perf_counter()
        for rows in batches:
            conn.execute("BEGIN IMMEDIATE")
            written = conn.executemany(_INSERT, rows).rowcount
            conn.execute("COMMIT")
            if written != len(rows):
                raise SystemExit(f"storage floor: {written} of {len(rows)} registrations inserted")
            _verify(conn, rows, enterprise_id)
            count += len(rows)
        seconds = time.perf_counter() - start
    finally:
        conn.close()
    return count / seconds


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
