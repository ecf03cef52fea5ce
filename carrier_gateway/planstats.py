"""Fresh planner statistics on PostgreSQL, whatever the server's autovacuum does.

PostgreSQL plans each query from statistics that ``ANALYZE`` gathers. A table that grew
or changed a lot since its last ``ANALYZE`` is planned as it was then: a table filled in
a burst (cards issued in bulk, a morning's registrations) looks nearly empty, and the
planner then prefers walking a whole index to looking up each key of a batch. The
verifier's reads (cards by ICCID, verified registrations by VIN and by owner) became
scans of every row, so each batch cost more than the one before it (docs/performance.md).

The server's autovacuum would gather them, but only every ``autovacuum_naptime`` (a
minute by default) and only if it is on. So every `carrier serve` process on
PostgreSQL looks every few seconds at ``pg_stat_user_tables`` and runs ``ANALYZE`` on each
of this schema's tables whose rows changed by at least :data:`MIN_CHANGES` and by a
:data:`GROWTH` share of its size since the last one. An advisory lock lets one process
at a time do it; ``ANALYZE`` reads a sample (at most a few tens of thousands of rows)
and blocks no reads or writes, and skips a table whose lock another session holds
(never waiting on, or cancelling, a VACUUM). SQLite needs none of this: its planner, without
statistics, assumes an index narrows a search, which is what these reads want.
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

log = logging.getLogger("carrier.planstats")

#: a table is analysed once this many of its rows changed since the last ANALYZE...
MIN_CHANGES = 1000
#: ...and at least this share of its live rows did
GROWTH = 0.2
#: seconds between looks (the planner is at most this late after a burst)
INTERVAL_SECONDS = 5.0
#: pg_try_advisory_xact_lock key: one process at a time analyses (any value of ours, fixed)
_LOCK_KEY = 0x63_61_72_72_69_65_72  # "carrier"

_TRY_LOCK = text("SELECT pg_try_advisory_xact_lock(:key)")
# the share cast: an untyped parameter times a bigint is a bigint, and 0.2 would bind as 0
_STALE = text(
    "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema() "
    "AND n_mod_since_analyze >= :min_changes "
    "AND n_mod_since_analyze >= CAST(:growth AS double precision) * n_live_tup "
    "ORDER BY relname")


async def stale_tables(conn: AsyncConnection) -> list[str]:
    """This schema's tables whose statistics are out of date by the rule above."""
    rows = await conn.execute(_STALE, {"min_changes": MIN_CHANGES, "growth": GROWTH})
    return [name for (name,) in rows]


async def refresh_statistics(conn: AsyncConnection) -> list[str]:
    """ANALYZE every stale table (in the caller's transaction); returns their names. On
    SQLite, or while another process holds the lock, nothing is done."""
    if conn.dialect.name != "postgresql":
        return []
    if not (await conn.execute(_TRY_LOCK, {"key": _LOCK_KEY})).scalar_one():
        return []
    tables = await stale_tables(conn)
    quote = conn.dialect.identifier_preparer.quote
    for name in tables:  # a table another session holds (a VACUUM, a migration) waits for the next look
        await conn.exec_driver_sql(f"ANALYZE (SKIP_LOCKED) {quote(name)}")
    if tables:
        log.info("planner statistics refreshed", extra={"tables": ",".join(tables)})
    return tables


async def autovacuum_is_off(conn: AsyncConnection) -> bool:
    """Whether the PostgreSQL server runs without autovacuum (then nothing removes dead
    rows: tables and indexes keep growing until someone runs VACUUM)."""
    value = (await conn.exec_driver_sql("SHOW autovacuum")).scalar_one()
    return str(value).lower() in ("off", "false", "0")
