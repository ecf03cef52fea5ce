"""`carrier audit export`: the trail for the regulator, streamed in chunks (JSON Lines or CSV)."""

# Domain, database, web and crypto modules are imported inside the functions that use them,
# so `carrier GROUP --help` loads none of them (tests/unit/cli/test_light_cli.py).

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from carrier_gateway.commands.base import CarrierCommand, emit, run
from carrier_gateway.commands.enterprises import cli_actor
from carrier_gateway.commands.when import SINCE, UNTIL
from provisioning.audit.export_formats import FORMATS

if TYPE_CHECKING:
    from carrier_gateway.db import Database
    from provisioning.audit import query


async def _count(db: Database, filters: query.Filters) -> int:
    from sqlalchemy import func, select

    from provisioning.audit.tables import audit_log

    async with db.read() as conn:
        return (await conn.execute(select(func.count()).select_from(audit_log).where(*filters.clauses()))
                ).scalar_one()


async def _export(db: Database, filters: query.Filters, fmt: str, out: IO[str], detail: dict[str, Any],
                  show_progress: bool) -> int:
    from provisioning.audit import formats
    from provisioning.audit.trail import Event, record

    async with db.write() as conn:
        await record(conn, Event(cli_actor(), "audit.exported", "audit_log", "-", None, detail))
    total = await _count(db, filters) if show_progress else 0
    export = formats.Export(db.read, filters, fmt)
    with click.progressbar(length=max(total, 1), label="exporting the audit trail", file=sys.stderr,
                           hidden=not show_progress) as bar:
        shown = 0
        async for text in export.lines():
            out.write(text)
            if export.count - shown >= 1000:
                bar.update(export.count - shown)
                shown = export.count
        bar.update(export.count - shown)
    return export.count


@click.command("export", cls=CarrierCommand)
@click.option("--from", "since", type=SINCE,
              help="Entries at or after this time (YYYY-MM-DD: from that day; naive times are China time).")
@click.option("--to", "until", type=UNTIL, help="Entries before this time (YYYY-MM-DD: through that day).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="jsonl", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
def export_cmd(since: dt.datetime | None, until: dt.datetime | None, fmt: str, output: Path | None) -> None:
    """Export entries for the regulator, streamed in chunks (memory stays flat).

    Each line carries seq, prev_hash and hash, times in UTC with microseconds and the
    canonical detail, so the chain can be re-checked from the export. The last line is a
    trailer with the entry count and the chain's head (JSON Lines: {"trailer": {...}},
    CSV: "# count=N head_seq=S head_hash=H"), so a file cut short shows it. The export
    is itself recorded in the trail.
    Example: carrier audit export --from 2026-01-01 --to 2026-06-30 --format csv --output audit.csv
    """
    from provisioning.audit import query

    filters = query.Filters(since=since, until=until)
    detail = {"format": fmt, "from": filters.since.isoformat() if filters.since else None,
              "to": filters.until.isoformat() if filters.until else None}
    if output is None:
        run(lambda db: _export(db, filters, fmt, sys.stdout, detail, show_progress=False))
        return
    with output.open("w", encoding="utf-8", newline="") as fh:
        written = run(lambda db: _export(db, filters, fmt, fh, detail, show_progress=True))
    emit({"path": str(output), "entries": written, "format": fmt}, f"{written} entries written to {output}")
