"""The audit trail, filtered and paged, with a button that checks the hash chain; the
regulator's inspection report shown in the page, in the console's language (produced and
recorded as on the API)."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from markupsafe import Markup

from carrier_gateway.api.ops_audit import AuditPageQuery
from carrier_gateway.appkeys import DB, KEYRING, SETTINGS
from carrier_gateway.console import i18n
from carrier_gateway.console.forms import list_filters
from carrier_gateway.console.pages import LANG, page, render, session_of
from carrier_gateway.db import describe
from provisioning.audit import query
from provisioning.audit.trail import verify
from provisioning.reports.inspect import produce


async def _trail(request: web.Request) -> dict[str, Any]:
    q, errors = list_filters(AuditPageQuery, dict(request.query))
    async with request.config_dict[DB].read() as conn:
        found = await query.page(conn, q.filters(), cursor=int(q.cursor) if q.cursor else None,
                                 limit=min(q.limit, 100))
    kept = {k: v for k, v in request.query.items() if k != "cursor" and v}
    return {"items": found.items, "next_cursor": found.next_cursor, "values": dict(request.query), "errors": errors,
            "kept": kept, "verified": None}


@page("GET", "/audit", action="audit.read")
async def audit_page(request: web.Request) -> web.StreamResponse:
    return render(request, "audit.html", await _trail(request))


@page("GET", "/audit/verify", action="audit.verify")
async def audit_verify(request: web.Request) -> web.StreamResponse:
    async with request.config_dict[DB].read() as conn:
        result = await verify(conn)
    context = await _trail(request)
    context["verified"] = result
    return render(request, "audit.html", context)


def _body(html: str) -> Markup:
    """The report page's body (its own stylesheet is replaced by the console's)."""
    start, end = html.index("<body>") + len("<body>"), html.rindex("</body>")
    return Markup(html[start:end])


@page("GET", "/report", action="report.read")
async def report_page(request: web.Request) -> web.StreamResponse:
    db = request.config_dict[DB]
    report, rendered = await produce(db.snapshot, db.write, request.config_dict[KEYRING],
                                     who=session_of(request).actor, fmt="html", section="enterprises",
                                     deadline=request.config_dict[SETTINGS].policy().backfill_deadline,
                                     database=describe(db.url), language=i18n.report_language(request[LANG]))
    return render(request, "report.html", {"body": _body(rendered.text),
                                           "violations": sum(v.count for v in report.violations)})
