"""Ops API: back-registration jobs of every enterprise (progress only, no personal data)."""

from __future__ import annotations

from aiohttp import web

from carrier_gateway.api.job_models import JOB_EXAMPLE, LIST_EXAMPLE, JobList, JobListQuery, JobOut
from carrier_gateway.appkeys import DB
from carrier_gateway.jsonio import json_response
from carrier_gateway.routing import Call, Router
from provisioning.jobs.views import job_view, list_jobs

router = Router("ops: jobs")
READERS = {"ops", "auditor"}


@router.get("/ops/v1/jobs", summary="List jobs, newest first (filter by enterprise and stored status)", auth="ops",
            roles=READERS, query=JobListQuery, response=JobList, response_example=LIST_EXAMPLE,
            description="Stored statuses: RECEIVING (upload being stored, never answered yet), RECEIVED, "
                        "INGESTING, INGESTED (verification under way), COMPLETED (every line has an outcome), "
                        "ABANDONED (the upload's process died before answering).")
async def list_all_jobs(request: web.Request, call: Call) -> web.Response:
    q: JobListQuery = call.query
    async with request.app[DB].read() as conn:
        page = await list_jobs(conn, enterprise_id=q.enterprise_id, status=q.status, cursor=q.cursor,
                               limit=q.limit)
    return json_response(page.to_dict())


@router.get("/ops/v1/jobs/{job_id}", summary="One job's progress with registration counts", auth="ops",
            roles=READERS, response=JobOut, errors=(404,), response_example=JOB_EXAMPLE)
async def get_any_job(request: web.Request, call: Call) -> web.Response:
    async with request.app[DB].read() as conn:
        view = await job_view(conn, request.match_info["job_id"], enterprise_id=None)
    return json_response(view)
