"""The queries that run for every push, or that look through a work queue, use their
index instead of scanning a table that grows with every registration.

Each query is run for real; what the driver executed is captured and, on SQLite, its
plan asked for: it must use the index and scan no table (walking a partial index itself
reads only the rows it holds).

- A query over a partial index (a work queue's; the verified registrations by VIN and
  by owner that the verifier's binding rules read) names the index's constant in the statement
  (``numbering.sqlutil.inline``): a bound parameter cannot be matched to the index's
  WHERE clause, and SQLite then scans the whole table. On PostgreSQL the executed text
  must carry the constant too (a generic plan cannot match a parameter either).
- A lookup of (enterprise, value) pairs names the enterprise: the unique index leads
  with it, and a list of values alone would scan the table."""

from __future__ import annotations

import contextlib
import random
import sqlite3
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import make_url

from carrier_gateway.db import Database
from provisioning.cards.bulk import load_cards
from provisioning.jobs import ingest, settle
from provisioning.privacy.keyring import Keyring
from provisioning.registrations import queue
from provisioning.registrations.accept import Incoming, accept, prepare
from provisioning.registrations.context import load_bindings
from provisioning.registrations.records import RegistrationRecord
from provisioning.reports import dashboard
from provisioning.retention import purge
from tests.support.world import build_oem, individual

#: (name, what runs the query, the table scanned, its partial index, the constant)
QUERIES: list[tuple[str, Callable[[Any], Awaitable[Any]], str, str, str]] = [
    ("verification claim", lambda conn: queue.claim(conn, limit=10, now_s=2_000_000_000, lease_seconds=60),
     "registrations", "ix_registrations_queue", "'PENDING'"),
    ("stale uploads", lambda conn: ingest.abandon_stale(conn, now_s=2_000_000_000, older_than=60),
     "jobs", "ix_jobs_receiving", "'RECEIVING'"),
    ("a job due to settle", lambda conn: settle.any_due(conn, now_s=2_000_000_000),
     "jobs", "ix_jobs_settling", "'INGESTING'"),
    ("the job to settle", lambda conn: settle.settle_step(conn, now_s=2_000_000_000),
     "jobs", "ix_jobs_settling", "'INGESTING'"),
    ("the oldest pending registration (dashboard)", dashboard.oldest_pending,
     "registrations", "ix_registrations_queue", "'PENDING'"),
    ("a VIN's live bindings (verifier)", lambda conn: load_bindings(conn, ["LSVAU2187N2123456"], [], []),
     "registrations", "ix_registrations_verified_vin", "'VERIFIED'"),
    ("a document's live cards (verifier)", lambda conn: load_bindings(conn, [], ["0" * 32], []),
     "registrations", "ix_registrations_verified_doc", "'VERIFIED'"),
]


def assert_uses(db_url: str, name: str, sql: str, params: Any, table: str, index: str) -> None:
    """On SQLite: the statement's plan uses ``index`` and scans no other way through ``table``."""
    if make_url(db_url).get_backend_name() != "sqlite":
        return
    path = make_url(db_url).database
    with contextlib.closing(sqlite3.connect(path)) as raw:
        plan = [row[-1] for row in raw.execute(f"EXPLAIN QUERY PLAN {sql}", params or ())]
    assert any(f"USING INDEX {index}" in step or f"USING COVERING INDEX {index}" in step for step in plan), \
        f"{name}: {index} unused: {plan}"
    # a scan of the partial index itself reads the queue's rows only; any other scan reads the table
    assert not any(step.startswith(f"SCAN {table}") and not step.endswith(f"INDEX {index}") for step in plan), \
        f"{name}: scans {table}: {plan}"


def _looks_up(sql: str, column: str) -> bool:
    """Whether ``sql`` looks ``column`` up by a list of values (or ``column`` is a
    table's FROM): an IN list, SQLite's ``json_each`` or an expanding list, or
    PostgreSQL's ``= ANY`` of one array (numbering.sqlutil.in_list)."""
    flat = " ".join(sql.split())
    return column in flat if column.startswith("FROM ") else f"{column} IN" in flat or f"{column} = ANY" in flat


@contextlib.contextmanager
def executed(db: Database) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        seen.append((statement, parameters))

    engine = db.write_engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.mark.parametrize(("name", "run", "table", "index", "constant"), QUERIES, ids=[q[0] for q in QUERIES])
async def test_a_queue_query_searches_its_partial_index(db_url: str, db: Database, name: str,
                                                        run: Callable[[Any], Awaitable[Any]], table: str,
                                                        index: str, constant: str) -> None:
    with executed(db) as seen:
        async with db.write() as conn:
            await run(conn)
    statements = [(sql, params) for sql, params in seen if f"WHERE {table}.status" in " ".join(sql.split())
                  or f"{table}.status IN" in " ".join(sql.split())]
    assert statements, f"{name}: no statement on {table} filtered its status: {seen}"
    sql, params = statements[0]
    assert constant in sql, f"{name}: the status is bound, not written out: {sql}"
    assert_uses(db_url, name, sql, params, table, index)


async def test_a_push_looks_up_its_keys_and_repeats_on_indexes_led_by_the_enterprise(
        db_url: str, db: Database, master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=1)
    record = RegistrationRecord.model_validate(individual(random.Random(7), iccid=oem.iccids[0]))
    async with db.write() as conn:
        await accept(conn, prepare(master_key, [Incoming(oem.enterprise_id, record)]))
    with executed(db) as seen:  # the same record again, with an Idempotency-Key: both lookups run
        async with db.write() as conn:
            results = await accept(conn, prepare(master_key, [Incoming(oem.enterprise_id, record,
                                                                       idempotency_key="k-1", request_hash="h")]))
    assert results[0][1] is False  # type: ignore[index]  # found again, not created
    for table, index, marker in (("idempotency_keys", "sqlite_autoindex_idempotency_keys_1", "FROM idempotency_keys"),
                                 ("registrations", "uq_registrations_natural_key", "registrations.natural_key")):
        found = [(sql, params) for sql, params in seen if _looks_up(sql, marker) and "SELECT" in sql]
        assert found, f"no lookup on {table}: {seen}"
        sql, params = found[0]
        assert "enterprise_id = " in sql, f"the lookup on {table} does not name the enterprise: {sql}"
        assert_uses(db_url, f"lookup on {table}", sql, params, table, index)


async def test_retention_deletes_idempotency_keys_by_their_registration_on_an_index(
        db_url: str, db: Database) -> None:
    with executed(db) as seen:
        async with db.write() as conn:
            await conn.execute(purge.DELETE_KEYS, {"ids": ["r1", "r2"]})
    sql, params = next((s, p) for s, p in seen if s.lstrip().upper().startswith("DELETE FROM IDEMPOTENCY_KEYS"))
    assert_uses(db_url, "idempotency keys of purged registrations", sql, params, "idempotency_keys",
                "ix_idempotency_keys_registration")


async def test_the_verifier_finds_cards_by_iccid_and_msisdn_on_their_indexes(
        db_url: str, db: Database, master_key: Keyring) -> None:
    """load_cards binds each list as one parameter (numbering.sqlutil.in_list): the
    lookups must still probe the cards' indexes (enterprise and ICCID, live MSISDNs),
    not walk the enterprise's cards, and find exactly the cards asked for."""
    oem = await build_oem(db, master_key, cards=6)
    refs = [(oem.enterprise_id, oem.iccids[0]), (oem.enterprise_id, oem.iccids[1]),
            (oem.enterprise_id, oem.msisdns[2]), (oem.enterprise_id + 1, oem.iccids[3])]  # another's: not found
    with executed(db) as seen:
        async with db.write() as conn:
            found = await load_cards(conn, refs, for_update=True)
    assert {card.iccid for card in found.values()} == {oem.iccids[0], oem.iccids[1], oem.iccids[2]}
    assert found[(oem.enterprise_id, oem.msisdns[2])].iccid == oem.iccids[2]
    for column, index in (("cards.iccid", "ix_cards_enterprise_iccid"), ("cards.msisdn", "uq_cards_live_msisdn")):
        sql, params = next((s, p) for s, p in seen if _looks_up(s, column) and str(oem.enterprise_id) in str(p))
        assert_uses(db_url, f"cards by {column}", sql, params, "cards", index)
