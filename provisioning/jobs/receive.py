"""Receiving a job: the uploaded lines are stored, encrypted, in chunks; only when every
chunk is committed does the job become RECEIVED (and its chunks claimable), and only
then is the upload answered. An upload whose process dies before that stays RECEIVING,
is never ingested, and is swept as ABANDONED: the client, unanswered, uploads again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import IO, Any

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.dbtypes import utcnow
from provisioning.audit.trail import Event, record
from provisioning.jobs.errors import EmptyJob, JobAbandoned
from provisioning.jobs.lines import CHUNK_BYTES, CHUNK_LINES, Chunk, LineReader, encode_chunk
from provisioning.jobs.tables import job_chunks, jobs
from provisioning.privacy.keyring import Keyring
from provisioning.registrations.ids import new_id

UnitOfWork = Callable[[], AbstractAsyncContextManager[AsyncConnection]]


def chunk_context(job_id: str, seq: int) -> str:
    """The AES-GCM associated data of one chunk: a chunk copied elsewhere does not open."""
    return f"job.chunk:{job_id}:{seq}"


async def _store(conn: AsyncConnection, keyring: Keyring, job_id: str, seq: int, chunk: Chunk) -> None:
    await conn.execute(insert(job_chunks).values(
        job_id=job_id, seq=seq, first_line=chunk.first_line, line_count=len(chunk.entries),
        lines_enc=keyring.encrypt(encode_chunk(chunk.entries), chunk_context(job_id, seq)), due_at=None))


async def receive_job(write: UnitOfWork, keyring: Keyring, enterprise_id: int, stream: IO[bytes], *, actor: str,
                      max_lines: int = CHUNK_LINES, max_bytes: int = CHUNK_BYTES) -> dict[str, Any]:
    """Store the JSON Lines in ``stream`` as a new job of ``enterprise_id``; returns
    {"job_id", "lines_received", "bytes", "sha256"} once the job is durably RECEIVED.
    Raises EmptyJob (nothing stored) when the stream holds no non-blank line."""
    job_id = new_id("j")
    reader = LineReader(stream, max_lines=max_lines, max_bytes=max_bytes)
    seq = records = 0
    for chunk in reader.chunks():
        if not chunk.records:
            continue
        async with write() as conn:
            if seq == 0:
                await conn.execute(insert(jobs).values(id=job_id, enterprise_id=enterprise_id, actor=actor[:80],
                                                       status="RECEIVING", touched_at=int(time.time())))
            else:
                await conn.execute(update(jobs).where(jobs.c.id == job_id).values(touched_at=int(time.time())))
            await _store(conn, keyring, job_id, seq + 1, chunk)
        seq += 1
        records += chunk.records
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
