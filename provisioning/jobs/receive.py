"""Receiving a job: the uploaded lines are stored, encrypted, in chunks; only when every
chunk is committed does the job become RECEIVED (and its chunks claimable), and only
then is the upload answered. An upload whose process dies before that stays RECEIVING,
is never ingested, and is swept as ABANDONED: the client, unanswered, uploads again.

An enterprise's jobs are bounded (``JobLimits``): lines and bytes per job, checked as the
lines are read, before each chunk is stored (a job refused part way is deleted with the
chunks it had stored), and jobs still open (received but not yet ingested), counted
under a per-enterprise lock when the job's row is first written.
"""

from __future__ import annotations

import dataclasses
import time
from typing import IO, Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.dbtypes import utcnow
from numbering.sqlutil import UnitOfWork
from provisioning.audit.trail import Event, record
from provisioning.jobs.errors import EmptyJob, JobAbandoned, JobTooLarge, TooManyOpenJobs
from provisioning.jobs.lines import CHUNK_BYTES, CHUNK_LINES, Chunk, LineReader, encode_chunk
from provisioning.jobs.tables import job_chunks, jobs
from provisioning.privacy.keyring import Keyring
from provisioning.registrations.ids import new_id

#: jobs that still hold chunks to ingest
OPEN_STATUSES = ("RECEIVING", "RECEIVED", "INGESTING")
#: PostgreSQL advisory lock class of "counting one enterprise's open jobs" (key 2: its id)
_OPEN_JOBS_LOCK = 0x4A4F4253  # "JOBS"


@dataclasses.dataclass(frozen=True)
class JobLimits:
    max_lines: int = 1_000_000
    max_bytes: int = 512 * 1024 * 1024
    #: jobs of one enterprise in OPEN_STATUSES at once
    max_open: int = 10


def chunk_context(job_id: str, seq: int) -> str:
    """The AES-GCM associated data of one chunk: a chunk copied elsewhere does not open."""
    return f"job.chunk:{job_id}:{seq}"


async def _store(conn: AsyncConnection, keyring: Keyring, job_id: str, seq: int, chunk: Chunk) -> None:
    await conn.execute(insert(job_chunks).values(
        job_id=job_id, seq=seq, first_line=chunk.first_line, line_count=len(chunk.entries),
        lines_enc=keyring.encrypt(encode_chunk(chunk.entries), chunk_context(job_id, seq)), due_at=None))


async def _check_open(conn: AsyncConnection, enterprise_id: int, max_open: int) -> None:
    """Refuse a new job while the enterprise has ``max_open`` open ones. Two uploads count
    one after the other: SQLite's write transactions are serial, PostgreSQL takes a lock."""
    if conn.dialect.name == "postgresql":
        await conn.execute(select(func.pg_advisory_xact_lock(_OPEN_JOBS_LOCK, enterprise_id)))
    open_jobs = (await conn.execute(select(func.count()).select_from(jobs).where(
        jobs.c.enterprise_id == enterprise_id, jobs.c.status.in_(OPEN_STATUSES)))).scalar_one()
    if open_jobs >= max_open:
        raise TooManyOpenJobs(f"this enterprise has {open_jobs} jobs not yet ingested (at most {max_open} at "
                              "once); upload this one when one of them is")


def _check_size(reader: LineReader, limits: JobLimits) -> None:
    if reader.lines > limits.max_lines:
        raise JobTooLarge(f"a job holds at most {limits.max_lines} lines; split the file into several jobs")
    if reader.bytes > limits.max_bytes:
        raise JobTooLarge(f"a job holds at most {limits.max_bytes} bytes; split the file into several jobs")


async def _discard(write: UnitOfWork, job_id: str) -> None:
    async with write() as conn:
        await conn.execute(delete(job_chunks).where(job_chunks.c.job_id == job_id))
        await conn.execute(delete(jobs).where(jobs.c.id == job_id))


async def receive_job(write: UnitOfWork, keyring: Keyring, enterprise_id: int, stream: IO[bytes], *, actor: str,
                      max_lines: int = CHUNK_LINES, max_bytes: int = CHUNK_BYTES,
                      limits: JobLimits = JobLimits()) -> dict[str, Any]:
    """Store the JSON Lines in ``stream`` as a new job of ``enterprise_id``; returns
    {"job_id", "lines_received", "bytes", "sha256"} once the job is durably RECEIVED.
    ``max_lines``/``max_bytes`` size the stored chunks; ``limits`` bound the job.
    Raises EmptyJob (nothing stored) when the stream holds no non-blank line, JobTooLarge
    or TooManyOpenJobs (nothing kept) past the limits."""
    job_id = new_id("j")
    reader = LineReader(stream, max_lines=max_lines, max_bytes=max_bytes)
    seq = records = 0
    try:
        for chunk in reader.chunks():
            _check_size(reader, limits)
            if not chunk.records:
                continue
            async with write() as conn:
                if seq == 0:
                    await _check_open(conn, enterprise_id, limits.max_open)
                    await conn.execute(insert(jobs).values(id=job_id, enterprise_id=enterprise_id,
                                                           actor=actor[:80], status="RECEIVING",
                                                           touched_at=int(time.time())))
                else:
                    await conn.execute(update(jobs).where(jobs.c.id == job_id).values(touched_at=int(time.time())))
                await _store(conn, keyring, job_id, seq + 1, chunk)
            seq += 1
            records += chunk.records
    except JobTooLarge:
        if seq:
            await _discard(write, job_id)
        raise
    if records == 0:
        raise EmptyJob("the body holds no records: send one JSON registration record per line")
    async with write() as conn:
        done = await conn.execute(update(jobs).where(jobs.c.id == job_id, jobs.c.status == "RECEIVING").values(
            status="RECEIVED", lines_received=records, last_line=reader.lines, chunks=seq, bytes=reader.bytes,
            sha256=reader.sha256, received_at=utcnow()))
        if done.rowcount != 1:
            raise JobAbandoned(f"job {job_id} took too long to store and was abandoned; upload the file again")
        await conn.execute(update(job_chunks).where(job_chunks.c.job_id == job_id).values(due_at=int(time.time())))
        await record(conn, Event(actor, "job.received", "job", job_id, enterprise_id,
                                 {"lines": records, "bytes": reader.bytes, "sha256": reader.sha256}))
    return {"job_id": job_id, "lines_received": records, "bytes": reader.bytes, "sha256": reader.sha256}
