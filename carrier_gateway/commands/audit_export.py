"""`carrier audit export`: the trail for the regulator, streamed in chunks (JSON Lines or CSV)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import IO, Any

import click
from sqlalchemy import func, select

from carrier_gateway.commands.base import CarrierCommand, emit, run
from carrier_gateway.commands.enterprises import cli_actor
from carrier_gateway.db import Database
from numbering.clock import CHINA
from provisioning.audit import formats, query
from provisioning.audit.tables import audit_log
from provisioning.audit.trail import Event, record

WHEN = click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%z"])


def bound(value: dt.datetime | None, *, end: bool) -> dt.datetime | None:
    """A --from/--to value: naive times are China time; a bare date --to includes that day.

    >>> bound(dt.datetime(2026, 3, 1), end=True).isoformat()
    '2026-03-01T16:00:00+00:00'
    """
    if value is None:
        return None
    bare_date = value.tzinfo is None and value.time() == dt.time()
    if value.tzinfo is None:
        value = value.replace(tzinfo=CHINA)
    if end and bare_date:
        value += dt.timedelta(days=1)
    return value.astimezone(dt.UTC)


async def _count(db: Database, filters: query.Filters) -> int:
    async with db.read() as conn:
        return (await conn.execute(select(func.count()).select_from(audit_log).where(*filters.clauses()))
                ).scalar_one()


async def _export(db: Database, filters: query.Filters, fmt: str, out: IO[str], detail: dict[str, Any],
                  show_progress: bool) -> int:
    async with db.write() as conn:
        await record(conn, Event(cli_actor(), "audit.exported", "audit_log", "-", None, detail))
    total = await _count(db, filters) if show_progress else 0
    out.write(formats.header(fmt))
    written = 0
    with click.progressbar(length=max(total, 1), label="exporting the audit trail", file=sys.stderr,
                           hidden=not show_progress) as bar:
        async for entry in query.export(db.read, filters):
            out.write(formats.render(entry, fmt))
            written += 1
            if written % 1000 == 0:
                bar.update(1000)
        bar.update(written % 1000)
    return written


@click.command("export", cls=CarrierCommand)
@click.option("--from", "since", type=WHEN, help="Entries at or after this time (YYYY-MM-DD: that day, China time).")
@click.option("--to", "until", type=WHEN, help="Entries up to this time (YYYY-MM-DD: through that day).")
@click.option("--format", "fmt", type=click.Choice(formats.FORMATS), default="jsonl", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
def export_cmd(since: dt.datetime | None, until: dt.datetime | None, fmt: str, output: Path | None) -> None:
    """Export entries for the regulator, streamed in chunks (memory stays flat).

    Each line carries seq, prev_hash and hash, times in UTC with microseconds and the
    canonical detail, so the chain can be re-checked from the export. The export is
    itself recorded in the trail.
    Example: carrier audit export --from 2026-01-01 --to 2026-06-30 --format csv --output audit.csv
    """
    filters = query.Filters(since=bound(since, end=False), until=bound(until, end=True))
    detail = {"format": fmt, "from": filters.since.isoformat() if filters.since else None,
              "to": filters.until.isoformat() if filters.until else None}
    if output is None:
        run(lambda db: _export(db, filters, fmt, sys.stdout, detail, show_progress=False))
        return
    with output.open("w", encoding="utf-8", newline="") as fh:
        written = run(lambda db: _export(db, filters, fmt, fh, detail, show_progress=True))
    emit({"path": str(output), "entries": written, "format": fmt}, f"{written} entries written to {output}")
