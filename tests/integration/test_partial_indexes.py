"""The queries that scan a work queue use its partial index: the queue's constant is
written into the statement (``numbering.sqlutil.inline``), since a bound parameter
cannot be matched to the index's WHERE clause and SQLite then scans the whole table.

Each query is run for real; what the driver executed is captured and, on SQLite, its
plan asked for: it must use the partial index and scan no table (walking the partial
index itself reads only the rows it holds). On PostgreSQL the
executed text must carry the constant (a generic plan cannot match a parameter either)."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import make_url

from carrier_gateway.db import Database
from provisioning.jobs import ingest, settle
from provisioning.registrations import queue
from provisioning.reports import dashboard

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
]


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
