"""The inspection report as a use case: gather it in one snapshot, and record that it
was produced (who, which rendering, what it found) in the audit trail. The HTTP API and
the CLI both call these."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.sqlutil import UnitOfWork
from provisioning.audit.trail import Event, record
from provisioning.privacy.keyring import Keyring
from provisioning.reports.document import InspectionReport
from provisioning.reports.inspection import gather
from provisioning.reports.render import Rendered, render
from provisioning.reports.wording import AS_WRITTEN, Language


async def inspect(snapshot: UnitOfWork, keyring: Keyring, *, deadline: dt.date, database: str) -> InspectionReport:
    async with snapshot() as conn:
        return await gather(conn, keyring, deadline=deadline, database=database)


async def record_inspection(conn: AsyncConnection, who: str, report: InspectionReport, rendered: Rendered) -> None:
    """An inspection is an event of the trail: who produced which report, and what it found."""
    await record(conn, Event(who, "report.inspection", "report", rendered.filename, None,
                             {"format": rendered.format, "section": rendered.section,
                              "enterprises": len(report.enterprises),
                              "violations": sum(v.count for v in report.violations),
                              "warnings": len(report.warnings)}))


async def produce(snapshot: UnitOfWork, write: UnitOfWork, keyring: Keyring, *, who: str, fmt: str,
                  section: str | None, deadline: dt.date, database: str,
                  language: Language = AS_WRITTEN) -> tuple[InspectionReport, Rendered]:
    """Gather, render (an HTML page in ``language``) and record one inspection report: what
    the ops API, the CLI and the console each do when asked for one."""
    report = await inspect(snapshot, keyring, deadline=deadline, database=database)
    rendered = render(report, fmt, section, language)
    async with write() as conn:
        await record_inspection(conn, who, report, rendered)
    return report, rendered
