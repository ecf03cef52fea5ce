"""`carrier report inspection`: the regulator's inspection report (docs/cli.md#report-for-the-regulator).

Exit status: 0 when the report holds no violation; 3 when it does (ACTIVE cards without
a VERIFIED registration, clause 8): the report is still written in full, and one
warning line goes to stderr, so a scheduled job notices. 1 and 2 keep their meaning
(failure, usage error).
"""

# Domain, database, web and crypto modules are imported inside the functions that use them,
# so `carrier GROUP --help` loads none of them (tests/unit/cli/test_light_cli.py).

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import click

from carrier_gateway.commands.base import CarrierGroup, emit, keyring, run, state
from carrier_gateway.commands.enterprises import cli_actor
from provisioning.reports.render import FORMATS, SECTIONS, ReportOptionInvalid, check_options

if TYPE_CHECKING:
    from carrier_gateway.db import Database
    from provisioning.reports.document import InspectionReport
    from provisioning.reports.render import Rendered

VIOLATION_EXIT = 3


@click.group("report", cls=CarrierGroup)
def report_group() -> None:
    """Reports for the regulator."""


def write_atomically(path: Path, text: str) -> None:
    """The whole report or nothing at ``path`` (never half a file after a crash)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or Path("."))
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@report_group.command("inspection")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="json", show_default=True,
              help="json: one document; csv: one flat table; html: a self-contained page with charts.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to this file (else to stdout).")
@click.option("--section", type=click.Choice(SECTIONS), default=None,
              help="CSV only: the enterprise table (default) or the responsible-person roster table.")
@click.option("--lang", type=click.Choice(("en", "zh")), default=None,
              help="HTML only: the page's language, English (default) or Simplified Chinese.")
def report_inspection(fmt: str, output: Path | None, section: str | None, lang: str | None) -> None:
    """Per enterprise: cards issued and by state, registrations verified / rejected by
    reason / pending / superseded, back-registrations against the deadline, ACTIVE cards
    without a VERIFIED registration (must be 0), the masked responsible-person roster,
    MSISDN and IP utilisation.

    JSON and HTML hold everything, roster included; CSV is one flat table per call
    (--section). Violations (an ACTIVE card without a VERIFIED registration) head the
    JSON document, fill a red banner in HTML and a `violation` column in CSV. The HTML
    page is in English, or in Simplified Chinese with --lang zh; JSON and CSV, for
    programs, keep their English keys.

    Exit status: 0 no violation; 3 violations found (the report is still written in
    full, plus one warning line on stderr); 1 failure; 2 usage error."""
    from carrier_gateway.console.i18n import report_language
    from carrier_gateway.db import describe
    from provisioning.reports.inspect import produce

    try:
        check_options(fmt, section)
    except ReportOptionInvalid as exc:
        raise click.UsageError(exc.detail) from None
    if lang is not None and fmt != "html":
        raise click.UsageError("--lang applies to HTML only: JSON and CSV keep their English keys")
    if state().as_json and output is None and fmt != "json":
        raise click.UsageError("--json prints one JSON document: with --format csv or html, give --output")
    if output is not None and not output.resolve().parent.is_dir():
        raise click.UsageError(f"cannot write {output}: directory {output.resolve().parent} does not exist")
    keys, settings = keyring(), state().settings()

    async def go(db: Database) -> tuple[InspectionReport, Rendered]:
        return await produce(db.snapshot, db.write, keys, who=cli_actor(), fmt=fmt, section=section,
                             deadline=settings.policy().backfill_deadline, database=describe(db.url),
                             language=report_language(lang or "en"))

    report, rendered = run(go)
    violations = sum(v.count for v in report.violations)
    if output is None:
        sys.stdout.write(rendered.text)
    else:
        write_atomically(output, rendered.text)
        emit({"output": str(output), "format": fmt, "enterprises": len(report.enterprises),
              "violations": violations, "warnings": len(report.warnings)},
             f"inspection report ({fmt}) written to {output}: {len(report.enterprises)} enterprise(s), "
             f"{violations} violation(s), {len(report.warnings)} warning(s)")
    if violations:
        click.echo(f"warning: VIOLATION: {violations} ACTIVE card(s) without a VERIFIED registration in "
                   f"enterprise(s) {', '.join(str(v.enterprise_id) for v in report.violations)}", err=True)
        raise click.exceptions.Exit(VIOLATION_EXIT)


COMMANDS = [report_group]
