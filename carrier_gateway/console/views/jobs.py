"""Back-registration jobs of every enterprise, with their progress (no personal data)."""

from __future__ import annotations

from aiohttp import web

from carrier_gateway.api.job_models import JobListQuery
from carrier_gateway.appkeys import DB
from carrier_gateway.console.forms import list_filters
from carrier_gateway.console.pages import page, render
from provisioning.jobs.views import job_view, list_jobs


@page("GET", "/jobs", action="jobs.read")
async def job_list(request: web.Request) -> web.StreamResponse:
    q, errors = list_filters(JobListQuery, dict(request.query))
    async with request.config_dict[DB].read() as conn:
        found = await list_jobs(conn, enterprise_id=q.enterprise_id, status=q.status, cursor=q.cursor, limit=50)
    return render(request, "jobs.html", {"items": found.items, "next_cursor": found.next_cursor,
                                         "values": dict(request.query), "errors": errors})


@page("GET", "/jobs/{job_id:j[0-9a-f]{1,40}}", action="jobs.read")
async def job_page(request: web.Request) -> web.StreamResponse:
    async with request.config_dict[DB].read() as conn:
        job = await job_view(conn, request.match_info["job_id"], enterprise_id=None)
    return render(request, "job.html", {"job": job})
