"""Ops API: the regulator's inspection report, as JSON, CSV or a self-contained HTML page
(the use case is provisioning.reports.inspect, shared with the CLI)."""

from __future__ import annotations

from typing import Literal

from aiohttp import web
from pydantic import Field

from carrier_gateway.api.ops_enterprises import actor
from carrier_gateway.api.report_models import EXAMPLE, InspectionReportOut
from carrier_gateway.appkeys import DB, KEYRING, SETTINGS
from carrier_gateway.db import describe
from carrier_gateway.jsonio import CSV, HTML
from carrier_gateway.routing import Call, Router
from provisioning.inputs import Input
from provisioning.reports.inspect import produce

router = Router("ops: reports")
READERS = {"regulator", "ops"}
VIOLATIONS_HEADER = "X-Inspection-Violations"


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
    report, rendered = await produce(db.snapshot, db.write, request.app[KEYRING], who=actor(call), fmt=q.format,
                                     section=q.section, deadline=request.app[SETTINGS].policy().backfill_deadline,
                                     database=describe(db.url))
    disposition = "inline" if q.format != "csv" else "attachment"
    headers = {VIOLATIONS_HEADER: str(sum(v.count for v in report.violations)),
               "Content-Disposition": f'{disposition}; filename="{rendered.filename}"'}
    return web.Response(text=rendered.text, content_type=rendered.media_type, charset="utf-8", headers=headers)
