"""Ops API: the regulator's inspection report (DOMAIN.md clause 7), as JSON, CSV or a
self-contained HTML page. Also the one place that builds it, for the CLI too."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Literal

from aiohttp import web
from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncConnection

from carrier_gateway.api.ops_enterprises import actor
from carrier_gateway.api.report_models import EXAMPLE, InspectionReportOut
from carrier_gateway.appkeys import DB, KEYRING, SETTINGS
from carrier_gateway.db import Database, describe
from carrier_gateway.jsonio import CSV, HTML
from carrier_gateway.routing import Call, Router
from carrier_gateway.settings import Settings
from provisioning.audit.trail import Event, record
from provisioning.inputs import Input
from provisioning.privacy.keyring import Keyring
from provisioning.reports.document import InspectionReport
from provisioning.reports.inspection import gather
from provisioning.reports.render import Rendered, render

router = Router("ops: reports")
READERS = {"regulator", "ops"}
VIOLATIONS_HEADER = "X-Inspection-Violations"


@contextlib.asynccontextmanager
async def snapshot(db: Database) -> AsyncIterator[AsyncConnection]:
    """One consistent read for the whole report. SQLite's read transaction is a snapshot
    (WAL); PostgreSQL needs REPEATABLE READ for its statements to agree."""
    if db.is_sqlite:
        async with db.read() as conn:
            yield conn
        return
    async with db.read_engine.connect() as conn:
        await conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        async with conn.begin():
            yield conn


async def build_inspection(db: Database, settings: Settings, keyring: Keyring) -> InspectionReport:
    async with snapshot(db) as conn:
        return await gather(conn, keyring, deadline=settings.policy().backfill_deadline,
                            database=describe(db.url))


async def record_inspection(db: Database, who: str, report: InspectionReport, rendered: Rendered) -> None:
    """An inspection is an event of the trail: who produced which report, and what it found."""
    async with db.write() as conn:
        await record(conn, Event(who, "report.inspection", "report", rendered.filename, None,
                                 {"format": rendered.format, "section": rendered.section,
                                  "enterprises": len(report.enterprises),
                                  "violations": sum(v.count for v in report.violations),
                                  "warnings": len(report.warnings)}))


class ReportQuery(Input):
    format: Literal["json", "csv", "html"] = "json"
    section: Literal["enterprises", "roster"] = Field(
        default="enterprises", description="CSV only: the enterprise table (default) or the roster table")


@router.get("/ops/v1/reports/inspection", summary="The regulator's inspection report (JSON, CSV or HTML)",
            description="Per enterprise: cards issued and by state, the funnel issued → sold → verified → active, "
                        "registrations by status and rejection reason, back-registrations against the deadline, "
                        "ACTIVE cards without a VERIFIED registration (must be 0: listed under `violations`), the "
                        "masked responsible-person roster, MSISDN and IP utilisation. `format=csv` answers one "
                        "flat text/csv table (`section=roster` for the roster); `format=html` a self-contained "
                        "page with inline SVG charts. The `X-Inspection-Violations` header carries the number of "
                        "violating cards in every format. Each report is recorded in the audit trail.",
            auth="ops", roles=READERS, query=ReportQuery, response=InspectionReportOut, other_media_types=(CSV, HTML),
            response_example=EXAMPLE)
async def inspection_report(request: web.Request, call: Call) -> web.Response:
    q: ReportQuery = call.query
    db = request.app[DB]
    report = await build_inspection(db, request.app[SETTINGS], request.app[KEYRING])
    rendered = render(report, q.format, q.section)
    await record_inspection(db, actor(call), report, rendered)
    disposition = "inline" if q.format != "csv" else "attachment"
    headers = {VIOLATIONS_HEADER: str(sum(v.count for v in report.violations)),
               "Content-Disposition": f'{disposition}; filename="{rendered.filename}"'}
    return web.Response(text=rendered.text, content_type=rendered.media_type, charset="utf-8", headers=headers)
