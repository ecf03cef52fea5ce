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
from numbering.sqlutil import insert_ignoring_conflicts
from provisioning.audit.events import acceptance
from provisioning.audit.trail import record
from provisioning.jobs.lines import decode_chunk, parse_line
from provisioning.jobs.receive import UnitOfWork, chunk_context
from provisioning.jobs.tables import job_chunks as c
from provisioning.jobs.tables import job_results, jobs
from provisioning.privacy.keyring import Keyring
from provisioning.registrations.accept import Incoming, accept
from provisioning.registrations.records import RegistrationRecord

#: records accepted per call inside a chunk's transaction (a later slice finds an earlier
#: slice's identical record by its natural key, as a later push would)
ACCEPT_SLICE = 100


@dataclasses.dataclass(frozen=True)
class Claim:
    job_id: str
    seq: int
    enterprise_id: int
    first_line: int
    lines_enc: str
    #: the lease end written by the claim: the chunk is still ours while due_at equals it
    mark: int


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
    row = (await conn.execute(select(c.c.first_line, c.c.lines_enc, jobs.c.enterprise_id)
                              .select_from(c.join(jobs, jobs.c.id == c.c.job_id)).where(key))).one()
    await conn.execute(update(jobs).where(jobs.c.id == found.job_id, jobs.c.status == "RECEIVED")
                       .values(status="INGESTING"))
    return Claim(found.job_id, found.seq, row.enterprise_id, row.first_line, row.lines_enc, mark)


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


async def finish_chunk(conn: AsyncConnection, keyring: Keyring, claim: Claim, parsed: list[Parsed]) -> int | None:
    """Write the chunk's registrations and results and delete it, if it is still ours;
    returns the number of registrations it created, or None if the claim was lost."""
    query = select(c.c.seq).where(c.c.job_id == claim.job_id, c.c.seq == claim.seq, c.c.due_at == claim.mark)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    if (await conn.execute(query)).first() is None:
        return None
    valid = [p for p in parsed if p.record is not None]
    items = [Incoming(claim.enterprise_id, p.record, job_id=claim.job_id, job_line=p.line)
             for p in valid if p.record is not None]
    accepted: list[Any] = []
    for start in range(0, len(items), ACCEPT_SLICE):  # short CPU bursts: the event loop keeps serving
        accepted += await accept(conn, keyring, items[start:start + ACCEPT_SLICE])
    events = acceptance(items, accepted, via="job", actor=f"job:{claim.job_id}", job_id=claim.job_id)
    if events:
        await record(conn, *events)
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
            rows.append({"job_id": claim.job_id, "line": p.line, "registration_id": None,
                         "errors": json.dumps(errors, ensure_ascii=False), "outcome": "INVALID"})
    if rows:
        await conn.execute(insert_ignoring_conflicts(conn, job_results), rows)
    await conn.execute(delete(c).where(c.c.job_id == claim.job_id, c.c.seq == claim.seq))
    invalid = sum(1 for r in rows if r["registration_id"] is None)
    await conn.execute(update(jobs).where(jobs.c.id == claim.job_id).values(
        lines_ingested=jobs.c.lines_ingested + len(rows), lines_invalid=jobs.c.lines_invalid + invalid,
        registrations_created=jobs.c.registrations_created + created, chunks_done=jobs.c.chunks_done + 1))
    await conn.execute(update(jobs).where(jobs.c.id == claim.job_id, jobs.c.chunks_done == jobs.c.chunks)
                       .values(status="INGESTED", ingested_at=utcnow()))
    return created


@dataclasses.dataclass
class Ingester:
    write: UnitOfWork
    keyring: Keyring
    lease_seconds: int = 60
    #: called with the number of registrations a chunk created (e.g. to wake the verifier)
    on_created: Callable[[int], None] | None = None
    clock: Callable[[], float] = time.time

    async def claim(self) -> Claim | None:
        async with self.write() as conn:
            return await claim_chunk(conn, now_s=int(self.clock()), lease_seconds=self.lease_seconds)

    async def finish(self, claim: Claim) -> int | None:
        parsed = await asyncio.to_thread(parse_chunk, self.keyring, claim)  # CPU-bound: off the event loop
        async with self.write() as conn:
            created = await finish_chunk(conn, self.keyring, claim, parsed)
        if created and self.on_created is not None:
            self.on_created(created)
        return created

    async def step(self) -> int:
        """Claim and ingest one chunk; returns 1 if a chunk was handled, else 0."""
        claim = await self.claim()
        if claim is None:
            return 0
        await self.finish(claim)
        return 1


async def abandon_stale(conn: AsyncConnection, *, now_s: int, older_than: int, limit: int = 100) -> list[str]:
    """Give up uploads left RECEIVING (their process died before answering): drop their
    chunks, mark them ABANDONED. They were never answered, so nothing promised is lost."""
    ids = [r.id for r in await conn.execute(
        select(jobs.c.id).where(jobs.c.status == "RECEIVING", jobs.c.touched_at < now_s - older_than).limit(limit))]
    if ids:
        await conn.execute(delete(c).where(c.c.job_id.in_(ids)))
        await conn.execute(update(jobs).where(jobs.c.id.in_(ids), jobs.c.status == "RECEIVING")
                           .values(status="ABANDONED"))
    return ids
