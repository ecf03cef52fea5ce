"""What OEMs and operators see of a job: progress, per-line results (in pages), lists.

The public status is the stored one, except that an INGESTED job is VERIFYING (its
lines are all in; some registrations are PENDING). Registration counts are per line (a
line that found an earlier registration counts that registration's outcome) and come
from the job's own row, kept by settling (settle.py), so reading progress costs the
same for ten lines or a million. Results read each line's registration as it is now.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from provisioning.jobs.errors import JobNotFound
from provisioning.jobs.settle import unsettled
from provisioning.jobs.tables import job_results as jr
from provisioning.jobs.tables import jobs
from provisioning.paging import Page, read_page
from provisioning.registrations.status import RegistrationStatus as RS
from provisioning.registrations.tables import registrations as r

#: stored statuses an OEM never sees: the upload was not (yet) answered
UNANSWERED = ("RECEIVING", "ABANDONED")
_FIELDS = ("enterprise_id", "actor", "bytes", "sha256", "lines_received", "last_line", "lines_ingested",
           "lines_invalid", "errors_dropped", "registrations_created", "chunks", "chunks_done", "chunks_failed",
           "failure", "created_at", "received_at", "ingested_at")


def _public_status(stored: str) -> str:
    return "VERIFYING" if stored == "INGESTED" else stored


async def _row(conn: AsyncConnection, job_id: str, enterprise_id: int | None) -> Any:
    query = select(jobs).where(jobs.c.id == job_id)
    if enterprise_id is not None:
        query = query.where(jobs.c.enterprise_id == enterprise_id, jobs.c.status.not_in(UNANSWERED))
    row = (await conn.execute(query)).first()
    if row is None:
        raise JobNotFound(f"no job {job_id[:40]}", params={"job": job_id[:40]})
    return row


def registration_counts(row: Any) -> dict[str, int]:
    """Ingested valid lines by their registration's outcome (PENDING: not decided yet)."""
    return {RS.PENDING: unsettled(row), RS.VERIFIED: row.lines_verified, RS.REJECTED: row.lines_rejected,
            RS.SUPERSEDED: row.lines_superseded}


async def job_view(conn: AsyncConnection, job_id: str, *, enterprise_id: int | None) -> dict[str, Any]:
    """A job's progress. Scoped to ``enterprise_id`` (None: any, for ops): another
    enterprise's job, or an upload never answered, is not found, like a missing one."""
    row = await _row(conn, job_id, enterprise_id)
    return {"job_id": row.id, "status": _public_status(row.status), **{f: getattr(row, f) for f in _FIELDS},
            "registrations": registration_counts(row)}


def _result(row: Any) -> dict[str, Any]:
    if row.registration_id is None:
        return {"line": row.line, "registration_id": None, "status": RS.REJECTED,
                "errors": json.loads(row.errors or "[]")}
    return {"line": row.line, "registration_id": row.registration_id, "status": row.status,
            "reasons": json.loads(row.reasons) if row.reasons else []}


async def result_page(conn: AsyncConnection, job_id: str, *, cursor: int | None = None, limit: int = 1000
                      ) -> Page[dict[str, Any]]:
    """Results of the lines after line ``cursor``, in line order: a stored line gives its
    registration's current status and reasons, an invalid one its errors."""
    query = (select(jr.c.line, jr.c.registration_id, jr.c.errors, r.c.status, r.c.reasons)
             .select_from(jr.outerjoin(r, r.c.id == jr.c.registration_id)).where(jr.c.job_id == job_id))
    return await read_page(conn, query, jr.c.line, cursor=cursor, limit=limit, item=_result)


async def check_job(conn: AsyncConnection, job_id: str, *, enterprise_id: int | None) -> None:
    """Raise JobNotFound unless the job exists (for this enterprise, if given)."""
    await _row(conn, job_id, enterprise_id)


async def list_jobs(conn: AsyncConnection, *, enterprise_id: int | None = None, status: str | None = None,
                    cursor: str | None = None, limit: int = 100) -> Page[dict[str, Any]]:
    """Newest first (ids are time-ordered); ``cursor`` is the last id of the previous page.
    Each with its stored status (INGESTED, not VERIFYING)."""
    query = select(jobs)
    if enterprise_id is not None:
        query = query.where(jobs.c.enterprise_id == enterprise_id)
    if status is not None:
        query = query.where(jobs.c.status == status)
    return await read_page(conn, query, jobs.c.id, cursor=cursor or None, limit=limit, descending=True,
                           item=lambda row: {"job_id": row.id, "status": row.status,
                                             **{f: getattr(row, f) for f in _FIELDS},
                                             "registrations": registration_counts(row)})
