"""`carrier retention run`: purge personal data past its retention period (audited)."""

# Domain, database, web and crypto modules are imported inside the functions that use them,
# so `carrier GROUP --help` loads none of them (tests/unit/cli/test_light_cli.py).

from __future__ import annotations

import datetime as dt
import sys
from typing import TYPE_CHECKING, Any

import click

from carrier_gateway.commands.base import CarrierGroup, CliFailure, emit, keyring, run
from carrier_gateway.commands.enterprises import cli_actor
from carrier_gateway.commands.when import AS_OF

if TYPE_CHECKING:
    from carrier_gateway.db import Database


@click.group("retention", cls=CarrierGroup)
def retention_group() -> None:
    """Retention of personal data: kept while it serves and 2 years after (MIIT Order 25 Art. 11).

    Purged: registrations on cards terminated 2+ years ago, rejected registrations
    decided 2+ years ago, superseded registrations whose successor was verified 2+ years
    ago, and responsible persons whose term ended 2+ years ago. A purge replaces the
    personal data with a tombstone and drops the blind indexes, VIN and IMEI; the
    counts the regulator's report needs (status, reasons, card, stage, dates) stay.
    """


async def checkpoint(db: Database) -> None:
    """Fold the SQLite WAL into the file and truncate it, so replaced bytes leave the WAL too."""
    if not db.is_sqlite:
        return
    async with db.write_connection() as conn:
        raw = await conn.get_raw_connection()
        await raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]


@retention_group.command("run")
@click.option("--dry-run", is_flag=True, help="Only count what would be purged.")
@click.option("--now", "now", type=AS_OF,
              help="Evaluate as of this time (naive times are China time; a date means the end of that day). "
                   "Later than now only with --dry-run: data must not be purged before its time.")
@click.option("--chunk", type=click.IntRange(1, 100_000), default=500, show_default=True,
              help="Records purged per write transaction.")
def retention_run(dry_run: bool, now: dt.datetime | None, chunk: int) -> None:
    """Purge (or with --dry-run count) personal data past retention, in audited chunks."""
    from numbering.dbtypes import utcnow
    from provisioning.retention import rules
    from provisioning.retention.purge import Retention

    at = now or utcnow()
    if at > utcnow() and not dry_run:
        raise CliFailure("--now is in the future: that would purge data still within its retention period "
                         "(use it with --dry-run to see what will fall due)")
    ring = keyring()
    limit = rules.cutoff(at)

    async def go(db: Database) -> dict[str, Any]:
        job = Retention(db.write, db.read, ring, actor=cli_actor(), chunk=chunk)
        due = await job.due(at)
        if dry_run:
            return {"dry_run": True, "now": at, "cutoff": limit, "due": due, "purged": dict.fromkeys(due, 0)}
        with click.progressbar(length=max(sum(due.values()), 1), label="purging", file=sys.stderr) as bar:
            job.on_chunk = lambda _kind, n: bar.update(n)
            purged = await job.run(at)
        await checkpoint(db)
        return {"dry_run": False, "now": at, "cutoff": limit, "due": due, "purged": purged}

    outcome = run(go)
    verb = "would purge" if dry_run else "purged"
    counts = outcome["due"] if dry_run else outcome["purged"]
    emit(outcome, f"{verb} {counts['registrations']} registrations and {counts['responsible_persons']} "
                  f"responsible persons (retention ended before {limit.isoformat(timespec='seconds')})")


COMMANDS = [retention_group]
