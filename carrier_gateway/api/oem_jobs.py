"""OEM API: JSON Lines back-registration jobs (补登记 files), their progress and results."""

from __future__ import annotations

from aiohttp import web

from carrier_gateway.api.job_models import (
    ACCEPTED_EXAMPLE,
    JOB_EXAMPLE,
    RESULTS_EXAMPLE,
    UPLOAD_EXAMPLE,
    JobAccepted,
    JobOut,
    JobResultsLine,
    ResultsQuery,
)
from carrier_gateway.appkeys import DB, KEYRING, SETTINGS
from carrier_gateway.background import WORKERS
from carrier_gateway.jobs_worker import JOBS
from carrier_gateway.jsonio import NDJSON, dumps, json_response
from carrier_gateway.request_checks import UnsupportedMediaType
from carrier_gateway.routing import Call, Router
from carrier_gateway.streams import open_stream
from provisioning import trailers
from provisioning.audit.trail import actor_of
from provisioning.jobs.receive import JobLimits, receive_job
from provisioning.jobs.views import check_job, job_view, result_page

router = Router("OEM: jobs")
#: JSON Lines under its common names; untyped bytes (no Content-Type, or octet-stream) are read as JSON Lines
_LINE_TYPES = {NDJSON, "application/jsonl", "application/json-lines", "application/x-jsonlines",
               "application/octet-stream"}
RESULTS_PAGE = 1000


def _enterprise(call: Call) -> int:
    assert call.principal is not None and call.principal.enterprise_id is not None
    return call.principal.enterprise_id


@router.post(
    "/v1/jobs/registrations", summary="Upload a JSON Lines file of registration records (back-registration)",
    auth="oem", body_media_type=NDJSON, response=JobAccepted, status=202, errors=(413, 415, 422, 429),
    request_example=UPLOAD_EXAMPLE, response_example=ACCEPTED_EXAMPLE,
    description="One registration record (as for POST /v1/registrations) per line, UTF-8, `Content-Type: "
                "application/x-ndjson` (or untyped; another type such as a form or CSV is a 415); the signature "
                "covers the whole body. Lines are numbered as the file's physical lines from 1; blank lines are "
                "ignored. The file is stored (encrypted) before the `202` "
                "answer, so an answered job is never lost; an unanswered upload was not kept: send it again. "
                "Each line then stands or falls alone: a line that is not a valid record gets SCHEMA_INVALID "
                "errors in the results and stores nothing; a valid one becomes a PENDING registration, verified "
                "in the background. A record accepted before (by any push or job) is not stored twice: its line "
                "points at the first registration. A body with no record is a 422. Limits, each refused with "
                "nothing kept: the body's bytes and lines (`413`); the enterprise's jobs not yet ingested, and "
                "this key's uploads in progress at once (`429` with `Retry-After`). The body is sent as is "
                "(a `Content-Encoding` is a `415`). A refusal that the headers decide (a bad key, timestamp or "
                "nonce, the rate or upload limit) is answered before the body is read, and the connection "
                "closed; with `Expect: 100-continue` the body is not even sent.",
)
async def upload_registration_job(request: web.Request, call: Call) -> web.Response:
    if request.content_type not in _LINE_TYPES:
        raise UnsupportedMediaType(f"send the records as {NDJSON} (one JSON object per line), "
                                   f"not {request.content_type}")
    assert call.stream is not None and call.principal is not None
    settings = request.app[SETTINGS]
    limits = JobLimits(max_lines=settings.max_job_lines, max_bytes=settings.max_job_bytes,
                       max_open=settings.max_open_jobs)
    job = await receive_job(request.app[DB].write, request.app[KEYRING], _enterprise(call), call.stream,
                            actor=actor_of("oem", call.principal.key_id), limits=limits)
    request.app[WORKERS].wake(JOBS)
    return json_response({**job, "status": "RECEIVED"}, status=202, headers={"Location": f"/v1/jobs/{job['job_id']}"})


@router.get("/v1/jobs/{job_id}", summary="A job's progress: lines ingested and invalid, registrations by status",
            auth="oem", response=JobOut, errors=(404,), response_example=JOB_EXAMPLE,
            description="Poll until `status` is COMPLETED (every line has a final outcome). Registration counts "
                        "are per line and follow verification live.")
async def get_job(request: web.Request, call: Call) -> web.Response:
    async with request.app[DB].read() as conn:
        view = await job_view(conn, request.match_info["job_id"], enterprise_id=_enterprise(call))
    return json_response(view)


@router.get("/v1/jobs/{job_id}/results", summary="A job's results as JSON Lines, one per input line, in line order",
            auth="oem", query=ResultsQuery, response=JobResultsLine, response_media_type=NDJSON, errors=(404,),
            response_example=RESULTS_EXAMPLE,
            description="Each line is a JobResultLine for the input line of the same `line` number (blank input "
                        "lines have none). Lines not ingested yet are not listed: wait for VERIFYING (every line "
                        "ingested; statuses still change) or COMPLETED. Streamed; the last line is a trailer, "
                        "`{\"trailer\": {\"count\": N}}`, N the number of result lines before it. A download "
                        "without the trailer (or with another count) was cut short: a failure after the first "
                        "byte closes the connection before the end of the chunked body. Resume with "
                        "`?after=LAST_LINE_RECEIVED`.")
async def get_job_results(request: web.Request, call: Call) -> web.StreamResponse:
    job_id, db = request.match_info["job_id"], request.app[DB]
    async with db.read() as conn:
        await check_job(conn, job_id, enterprise_id=_enterprise(call))
    resp = await open_stream(request, NDJSON)
    cursor: int | None = call.query.after or None
    count = 0
    while True:
        async with db.read() as conn:
            page = await result_page(conn, job_id, cursor=cursor, limit=RESULTS_PAGE)
        if page.items:
            await resp.write(b"".join(dumps(item) + b"\n" for item in page.items))
            count += len(page.items)
        if page.next_cursor is None:
            break
        cursor = int(page.next_cursor)
    await resp.write(trailers.jsonl(count=count).encode())
    await resp.write_eof()
    return resp
