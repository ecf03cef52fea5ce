"""Ingestion: a worker claims one chunk under a lease, validates its lines, accepts the
valid records (PENDING registrations, deduplicated by natural key), writes one result
per line and deletes the chunk, all in one transaction.

A worker that dies mid-chunk writes nothing; its lease runs out and any worker redoes
the chunk. A worker whose lease ran out and whose chunk another worker claimed finds
the chunk no longer its own and writes nothing either, so every line gets exactly one
result. On PostgreSQL concurrent claimers skip each other's chunks (SKIP LOCKED).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.dbtypes import utcnow
from numbering.sqlutil import UnitOfWork, inline, insert_ignoring_conflicts
from provisioning.jobs.lines import decode_chunk, parse_line
from provisioning.jobs.receive import chunk_context
from provisioning.jobs.tables import job_chunks as c
from provisioning.jobs.tables import job_results, jobs
from provisioning.privacy.keyring import Keyring
from provisioning.registrations.accept import Incoming, prepare
from provisioning.registrations.intake import accept_and_record
from provisioning.registrations.records import RegistrationRecord

#: records accepted per call inside a chunk's transaction (a later slice finds an earlier
#: slice's identical record by its natural key, as a later push would)
ACCEPT_SLICE = 100
#: a chunk claimed this many times without being finished is given up: every line gets a
#: NOT_INGESTED result naming the failure, and the job goes on (nothing retries for ever)
MAX_CHUNK_ATTEMPTS = 5
#: error lines kept per job by default; past it the job counts them (``errors_dropped``)
MAX_ERROR_LINES = 10_000


@dataclasses.dataclass(frozen=True)
class Claim:
    job_id: str
    seq: int
    enterprise_id: int
    first_line: int
    lines_enc: str
    #: the lease end written by the claim: the chunk is still ours while due_at equals it
    mark: int
    #: claims of this chunk so far, this one included, and why the previous one failed
    attempts: int = 1
    last_error: str | None = None
    line_count: int = 0


@dataclasses.dataclass(frozen=True)
class Parsed:
    line: int
    record: RegistrationRecord | None
    errors: list[dict[str, Any]] | None


async def claim_chunk(conn: AsyncConnection, *, now_s: int, lease_seconds: int) -> Claim | None:
    """Claim the oldest due chunk, if any (one per claim: a chunk is up to ~1000 lines)."""
    query = select(c.c.job_id, c.c.seq).where(c.c.due_at <= now_s).order_by(c.c.due_at, c.c.job_id, c.c.seq).limit(1)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    found = (await conn.execute(query)).first()
    if found is None:
        return None
    mark = now_s + lease_seconds
    key = (c.c.job_id == found.job_id) & (c.c.seq == found.seq)
    await conn.execute(update(c).where(key).values(due_at=mark, attempts=c.c.attempts + 1))
    row = (await conn.execute(select(c.c.first_line, c.c.lines_enc, c.c.attempts, c.c.last_error, c.c.line_count,
                                     jobs.c.enterprise_id)
                              .select_from(c.join(jobs, jobs.c.id == c.c.job_id)).where(key))).one()
    await conn.execute(update(jobs).where(jobs.c.id == found.job_id, jobs.c.status == "RECEIVED")
                       .values(status="INGESTING"))
    return Claim(found.job_id, found.seq, row.enterprise_id, row.first_line, row.lines_enc, mark,
                 attempts=row.attempts, last_error=row.last_error, line_count=row.line_count)


def parse_chunk(keyring: Keyring, claim: Claim) -> list[Parsed]:
    """Every non-blank line of the chunk, as a record or its errors."""
    entries = decode_chunk(keyring.decrypt(claim.lines_enc, chunk_context(claim.job_id, claim.seq)))
    out = []
    for offset, entry in enumerate(entries):
        if entry == "":
            continue
        parsed = parse_line(entry)
        line = claim.first_line + offset
        if isinstance(parsed, RegistrationRecord):
            out.append(Parsed(line, parsed, None))
        else:
            out.append(Parsed(line, None, parsed))
    return out


async def _still_ours(conn: AsyncConnection, claim: Claim) -> bool:
    query = select(c.c.seq).where(c.c.job_id == claim.job_id, c.c.seq == claim.seq, c.c.due_at == claim.mark)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    return (await conn.execute(query)).first() is not None


async def finish_chunk(conn: AsyncConnection, keyring: Keyring, claim: Claim, parsed: list[Parsed],
                       *, max_error_lines: int = MAX_ERROR_LINES) -> int | None:
    """Write the chunk's registrations and results and delete it, if it is still ours;
    returns the number of registrations it created, or None if the claim was lost.

    Each line stands alone: a record the database refuses becomes an error line (see
    provisioning.registrations.intake), and the chunk is still finished."""
    if not await _still_ours(conn, claim):
        return None
    valid = [p for p in parsed if p.record is not None]
    items = [Incoming(claim.enterprise_id, p.record, job_id=claim.job_id, job_line=p.line)
             for p in valid if p.record is not None]
    accepted = await accept_and_record(conn, prepare(keyring, items), via="job", actor=f"job:{claim.job_id}",
                                       job_id=claim.job_id, slice_size=ACCEPT_SLICE)
    rows, created = [], 0
    outcome = {p.line: a for p, a in zip(valid, accepted, strict=True)}
    for p in parsed:
        result = outcome.get(p.line)
        if isinstance(result, tuple):
            rows.append({"job_id": claim.job_id, "line": p.line, "registration_id": result[0], "errors": None,
                         "outcome": None})
            created += result[1]
        else:
            errors = p.errors if result is None else [{"code": result.code, "field": None, "message": result.detail}]
            rows.append(_error_row(claim.job_id, p.line, errors))
    await _finish(conn, claim, rows, created=created, max_error_lines=max_error_lines)
    return created


def _error_row(job_id: str, line: int, errors: Any) -> dict[str, Any]:
    return {"job_id": job_id, "line": line, "registration_id": None,
            "errors": json.dumps(errors, ensure_ascii=False), "outcome": "INVALID"}


async def _finish(conn: AsyncConnection, claim: Claim, rows: list[dict[str, Any]], *, created: int,
                  max_error_lines: int, failure: str | None = None) -> None:
    """Count the chunk into its job (the job row's lock orders concurrent chunks of one
    job), store its results (error lines only up to the job's cap), delete the chunk."""
    invalid = sum(1 for r in rows if r["registration_id"] is None)
    values: dict[str, Any] = {
        "lines_ingested": jobs.c.lines_ingested + len(rows), "lines_invalid": jobs.c.lines_invalid + invalid,
        "registrations_created": jobs.c.registrations_created + created, "chunks_done": jobs.c.chunks_done + 1}
    if failure is not None:
        values.update(chunks_failed=jobs.c.chunks_failed + 1, failure=failure)
    counts = (await conn.execute(update(jobs).where(jobs.c.id == claim.job_id).values(**values)
                                 .returning(jobs.c.lines_invalid, jobs.c.errors_dropped))).one()
    kept_before = counts.lines_invalid - invalid - counts.errors_dropped
    room, kept, dropped = max(0, max_error_lines - kept_before), [], 0
    for row in rows:  # past the cap the job counts the refused lines instead of storing each
        if row["registration_id"] is None:
            if room == 0:
                dropped += 1
                continue
            room -= 1
        kept.append(row)
    rows = kept
    if dropped:
        await conn.execute(update(jobs).where(jobs.c.id == claim.job_id)
                           .values(errors_dropped=jobs.c.errors_dropped + dropped))
    if rows:
        await conn.execute(insert_ignoring_conflicts(conn, job_results), rows)
    await conn.execute(delete(c).where(c.c.job_id == claim.job_id, c.c.seq == claim.seq))
    await conn.execute(update(jobs).where(jobs.c.id == claim.job_id, jobs.c.chunks_done == jobs.c.chunks)
                       .values(status="INGESTED", ingested_at=utcnow()))


def _chunk_lines(keyring: Keyring, claim: Claim) -> list[int]:
    """The chunk's non-blank lines, or every line of it when it cannot even be read."""
    everything = list(range(claim.first_line, claim.first_line + claim.line_count))
    try:
        entries = decode_chunk(keyring.decrypt(claim.lines_enc, chunk_context(claim.job_id, claim.seq)))
    except Exception:  # noqa: BLE001 - an unreadable chunk is one reason to give up: report every line
        return everything
    return [claim.first_line + n for n, entry in enumerate(entries) if entry != ""]


async def give_up_chunk(conn: AsyncConnection, keyring: Keyring, claim: Claim, *,
                        max_error_lines: int = MAX_ERROR_LINES) -> bool:
    """Finish a chunk that failed ``claim.attempts - 1`` times: every line of it gets a
    NOT_INGESTED result naming the failure, and the job goes on. False if the claim was lost."""
    if not await _still_ours(conn, claim):
        return False
    why = claim.last_error or "unknown error"
    message = f"this line's part of the file failed {claim.attempts - 1} times ({why}); it was not ingested: " \
              "send the line again in a new job"
    errors = [{"code": "NOT_INGESTED", "field": None, "message": message}]
    rows = [_error_row(claim.job_id, line, errors) for line in _chunk_lines(keyring, claim)]
    failure = f"part from line {claim.first_line} given up after {claim.attempts - 1} failures: {why}"
    await _finish(conn, claim, rows, created=0, max_error_lines=max_error_lines, failure=failure[:200])
    return True


async def note_failure(conn: AsyncConnection, claim: Claim, error: BaseException, *, now_s: int) -> None:
    """Remember why a chunk failed (the error's class: never its text, which may quote
    data) and make it due again soon, backing off (2, 4, 8... seconds)."""
    await conn.execute(update(c).where(c.c.job_id == claim.job_id, c.c.seq == claim.seq, c.c.due_at == claim.mark)
                       .values(last_error=type(error).__name__[:200], due_at=now_s + 2 ** min(claim.attempts, 8)))


@dataclasses.dataclass
class Ingester:
    write: UnitOfWork
    keyring: Keyring
    lease_seconds: int = 60
    #: called with the number of registrations a chunk created (e.g. to wake the verifier)
    on_created: Callable[[int], None] | None = None
    clock: Callable[[], float] = time.time
    max_attempts: int = MAX_CHUNK_ATTEMPTS
    max_error_lines: int = MAX_ERROR_LINES
    #: called when a chunk is given up (e.g. to count it in metrics)
    on_given_up: Callable[[Claim], None] | None = None

    async def claim(self) -> Claim | None:
        async with self.write() as conn:
            return await claim_chunk(conn, now_s=int(self.clock()), lease_seconds=self.lease_seconds)

    async def finish(self, claim: Claim) -> int | None:
        parsed = await asyncio.to_thread(parse_chunk, self.keyring, claim)  # CPU-bound: off the event loop
        async with self.write() as conn:
            created = await finish_chunk(conn, self.keyring, claim, parsed, max_error_lines=self.max_error_lines)
        if created and self.on_created is not None:
            self.on_created(created)
        return created

    async def step(self) -> int:
        """Claim and ingest one chunk; returns 1 if a chunk was handled, else 0. A chunk
        that fails is retried with back-off, and given up past ``max_attempts``."""
        claim = await self.claim()
        if claim is None:
            return 0
        if claim.attempts > self.max_attempts:
            async with self.write() as conn:
                given_up = await give_up_chunk(conn, self.keyring, claim, max_error_lines=self.max_error_lines)
            if given_up and self.on_given_up is not None:
                self.on_given_up(claim)
            return 1
        try:
            await self.finish(claim)
        except Exception as exc:
            async with self.write() as conn:
                await note_failure(conn, claim, exc, now_s=int(self.clock()))
            raise
        return 1


async def abandon_stale(conn: AsyncConnection, *, now_s: int, older_than: int, limit: int = 100) -> list[str]:
    """Give up uploads left RECEIVING (their process died before answering): drop their
    chunks, mark them ABANDONED. They were never answered, so nothing promised is lost."""
    ids = [r.id for r in await conn.execute(
        select(jobs.c.id).where(jobs.c.status == inline("RECEIVING"),  # the partial index of uploads receiving
                                jobs.c.touched_at < now_s - older_than).limit(limit))]
    if ids:
        await conn.execute(delete(c).where(c.c.job_id.in_(ids)))
        await conn.execute(update(jobs).where(jobs.c.id.in_(ids), jobs.c.status == "RECEIVING")
                           .values(status="ABANDONED"))
    return ids
