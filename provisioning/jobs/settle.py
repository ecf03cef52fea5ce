"""Settling: counting each job's lines by their registrations' outcomes as verification
decides them, so a job's progress is read from its own row, whatever its size.

Counting live (joining every line to its registration) costs time in proportion to the
job on every poll: about a quarter of a second per 60,000 lines on SQLite. Instead a
worker reads each active job's unsettled lines in line order, a page per step, and
settles those whose registration is no longer PENDING: the line's ``outcome`` is set
and the job's counter for that status goes up, in one transaction. A page that settles
nothing sends the job back to its first unsettled line after a pause, so a job waiting
on verification costs one page a second. The update only
takes lines still unsettled, so two processes settling the same page count each line
once. A job whose lines are all settled after ingestion is COMPLETED.

An outcome is the registration's status when it was first seen decided: a registration
superseded later by an owner change still counts as VERIFIED here (the results show
every line's current status).
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.sqlutil import inline
from provisioning.jobs.tables import job_results as jr
from provisioning.jobs.tables import jobs
from provisioning.registrations.status import RegistrationStatus
from provisioning.registrations.tables import registrations as r

ACTIVE = ("INGESTING", "INGESTED")
#: the statuses spelled out: the partial index of jobs settling holds these only
_ACTIVE = jobs.c.status.in_([inline(status) for status in ACTIVE])
PAGE = 1000
#: seconds before a job whose last page settled nothing is looked at again
IDLE_SECONDS = 1
_COUNTER = {RegistrationStatus.VERIFIED: "lines_verified", RegistrationStatus.REJECTED: "lines_rejected",
            RegistrationStatus.SUPERSEDED: "lines_superseded"}


def unsettled(job: object) -> int:
    """Valid ingested lines not yet settled, from a jobs row."""
    settled = job.lines_verified + job.lines_rejected + job.lines_superseded  # type: ignore[attr-defined]
    return job.lines_ingested - job.lines_invalid - settled  # type: ignore[attr-defined]


async def any_due(conn: AsyncConnection, *, now_s: int) -> bool:
    """Whether a settle step would find a job (a read: idle workers take no write lock)."""
    query = select(jobs.c.id).where(_ACTIVE, jobs.c.settle_due <= now_s).limit(1)
    return (await conn.execute(query)).first() is not None


async def settle_step(conn: AsyncConnection, *, now_s: int, page: int = PAGE) -> int:
    """Settle one page of one due active job; returns the lines settled."""
    query = select(jobs).where(_ACTIVE, jobs.c.settle_due <= now_s).order_by(
        jobs.c.settle_due, jobs.c.id).limit(1)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    job = (await conn.execute(query)).first()
    if job is None:
        return 0
    rows = (await conn.execute(
        select(jr.c.line, r.c.status).select_from(jr.join(r, r.c.id == jr.c.registration_id))
        .where(jr.c.job_id == job.id, jr.c.outcome.is_(None), jr.c.line > job.settle_after)
        .order_by(jr.c.line).limit(page))).all()
    decided: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        if row.status in _COUNTER:
            decided[row.status].append(row.line)
    counts: dict[str, int] = {}
    for status, lines in decided.items():
        done = await conn.execute(update(jr).where(jr.c.job_id == job.id, jr.c.line.in_(lines),
                                                   jr.c.outcome.is_(None)).values(outcome=status))
        counts[status] = done.rowcount or 0
    settled = sum(counts.values())
    values: dict[str, object] = {_COUNTER[s]: jobs.c[_COUNTER[s]] + n for s, n in counts.items() if n}
    # verification mostly follows line order: while pages settle, read on; once one does
    # not, the frontier is behind: start again from the first unsettled line, a bit later
    values["settle_after"] = rows[-1].line if settled and len(rows) == page else 0
    values["settle_due"] = now_s if settled else now_s + IDLE_SECONDS
    left = unsettled(job) - settled
    if job.status == "INGESTED" and left == 0:
        values["status"] = "COMPLETED"
    await conn.execute(update(jobs).where(jobs.c.id == job.id).values(**values))
    return settled
