"""Acceptance as one use case: store the records, each standing or falling alone, and
record the one audit event that names what was created.

Single pushes share a group commit and a batch or job chunk shares one transaction, so
one record the database refuses must not undo the others. The whole group is written
in a savepoint; if the database refuses it, the group is written again one record per
savepoint, and only the record the database refuses gets an error. The values the
schema accepts fit every column on both backends (``provisioning.inputs``), so this is
the backstop, not the rule.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.errors import DomainError
from numbering.sqlutil import savepoint
from provisioning.audit.events import acceptance
from provisioning.audit.trail import record
from provisioning.registrations.accept import Prepared, Result, accept

log = logging.getLogger("carrier.registrations")


class NotStored(DomainError):
    """The database refused this one record; the others of its group were stored."""

    status = 422
    code = "NOT_STORED"
    title = "The record could not be stored"


class StorageBusy(DomainError):
    """The database could not take the write now (a lock, a lost connection): retry."""

    status = 503
    code = "STORAGE_UNAVAILABLE"
    title = "Storage unavailable"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.headers = {"Retry-After": "1"}


def refused(exc: DBAPIError) -> DomainError:
    """What the caller of one refused record is told (never the driver's message: it may
    quote the record)."""
    kind = type(exc.orig).__name__ if exc.orig is not None else type(exc).__name__
    log.warning("database refused a record", extra={"error": kind})
    if isinstance(exc, OperationalError):
        return StorageBusy(f"the database could not store this record now ({kind}); retry")
    if isinstance(exc, IntegrityError):
        return NotStored(f"the record clashes with stored data ({kind}); it was not stored")
    return NotStored(f"the database refused a value of this record ({kind}); it was not stored")


Outcome = Result | DomainError


async def accept_each(conn: AsyncConnection, prepared: Prepared) -> list[Outcome]:
    """``accept`` in the caller's transaction, where a record the database refuses gets
    its own error and every other record is stored."""
    if not prepared:
        return []
    try:
        async with savepoint(conn):
            return list(await accept(conn, prepared))
    except DBAPIError as exc:
        if len(prepared) == 1:
            return [refused(exc)]
    out: list[Outcome] = []
    for i in range(len(prepared)):
        try:
            async with savepoint(conn):
                out += await accept(conn, prepared.part(i, i + 1))
        except DBAPIError as exc:
            out.append(refused(exc))
    return out


async def accept_and_record(conn: AsyncConnection, prepared: Prepared, *, via: str, actor: str | None = None,
                            job_id: str | None = None, slice_size: int | None = None) -> list[Outcome]:
    """Store the records (each alone, see ``accept_each``) and audit the ones created:
    the one way every transport (single push, batch, job) accepts registrations. The
    rows are prepared (``accept.prepare``) before the transaction opens.
    ``slice_size`` writes a long list in slices (short bursts of work between awaits);
    a later slice finds an earlier slice's identical record by its natural key."""
    step = slice_size or max(len(prepared), 1)
    outcomes: list[Outcome] = []
    for start in range(0, len(prepared), step):
        outcomes += await accept_each(conn, prepared.part(start, start + step))
    events = acceptance(prepared.items, outcomes, via=via, actor=actor, job_id=job_id)
    if events:
        await record(conn, *events)
    return outcomes
