"""The dashboard: the figures a person on shift looks at first (each shown to the roles
that may read it on the API)."""

from __future__ import annotations

from aiohttp import web

from carrier_gateway.appkeys import DB, SETTINGS
from carrier_gateway.console.charts import cards_chart, registrations_chart, utilisation_charts
from carrier_gateway.console.pages import page, render
from numbering.dbtypes import utcnow
from provisioning.reports import dashboard


@page("GET", "/", action="dashboard")
async def dashboard_page(request: web.Request) -> web.StreamResponse:
    deadline = request.config_dict[SETTINGS].policy().backfill_deadline
    async with request.config_dict[DB].read() as conn:
        figures = await dashboard.gather(conn, now=utcnow(), deadline=deadline)
    return render(request, "dashboard.html", {
        "d": figures, "cards_total": sum(figures.cards_by_state.values()),
        "registrations_total": sum(figures.registrations_today.values()),
        "cards_chart": cards_chart(figures.cards_by_state),
        "registrations_chart": registrations_chart(figures.registrations_today),
        "utilisation": utilisation_charts(figures.segments, figures.pools)})
