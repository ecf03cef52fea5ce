"""Append to and verify the hash-chained audit trail.

Call :func:`record` late in a write transaction: it locks the chain head until commit,
so audited transactions commit one at a time (record many events in one call).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.dbtypes import utcnow
from provisioning.audit.tables import audit_head, audit_log

GENESIS = "0" * 64
_HEAD_ID = 1


@dataclasses.dataclass(frozen=True)
class Event:
    actor: str
    action: str
    object_type: str
    object_id: str | int
    enterprise_id: int | None = None
    detail: Mapping[str, Any] | None = None


def canonical(detail: Mapping[str, Any] | None) -> str:
    return json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def entry_hash(prev_hash: str, seq: int, at: dt.datetime, actor: str, action: str, object_type: str,
               object_id: str, enterprise_id: int | None, detail: str) -> str:
    fields = [seq, at.astimezone(dt.timezone.utc).isoformat(timespec="microseconds"), actor, action,
              object_type, object_id, enterprise_id, detail]
    body = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


#: built once (every audited transaction runs them): SQLAlchemy finds them compiled
_LOCK_HEAD = select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == _HEAD_ID).with_for_update()
_APPEND = insert(audit_log)
_MOVE_HEAD = update(audit_head).where(audit_head.c.id == _HEAD_ID).values(seq=bindparam("v_seq"),
                                                                          hash=bindparam("v_hash"))


async def _lock_head(conn: AsyncConnection) -> tuple[int, str]:
    row = (await conn.execute(_LOCK_HEAD)).first()
    if row is None:  # created by the audit branch's first migration
        raise RuntimeError("audit chain head is missing: run `carrier init`")
    return row.seq, row.hash


async def record(conn: AsyncConnection, *events: Event, at: dt.datetime | None = None) -> int:
    """Append ``events`` in order; returns the last sequence number."""
    if not events:
        raise ValueError("nothing to record")
    seq, prev = await _lock_head(conn)
    at = at or utcnow()
    rows = []
    for ev in events:
        seq += 1
        detail = canonical(ev.detail)
        oid = str(ev.object_id)
        digest = entry_hash(prev, seq, at, ev.actor, ev.action, ev.object_type, oid, ev.enterprise_id, detail)
        rows.append({"seq": seq, "at": at, "actor": ev.actor, "action": ev.action, "object_type": ev.object_type,
                     "object_id": oid, "enterprise_id": ev.enterprise_id, "detail": detail,
                     "prev_hash": prev, "hash": digest})
        prev = digest
    await conn.execute(_APPEND, rows)
    await conn.execute(_MOVE_HEAD, {"v_seq": seq, "v_hash": prev})
    return seq


@dataclasses.dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str | None = None


async def entries(conn: AsyncConnection, *, after: int = 0, chunk: int = 5000) -> AsyncIterator[Any]:
    """Every entry in sequence order, read in chunks (bounded memory)."""
    while True:
        rows = (await conn.execute(
            select(audit_log).where(audit_log.c.seq > after).order_by(audit_log.c.seq).limit(chunk)
        )).all()
        for row in rows:
            yield row
        if len(rows) < chunk:
            return
        after = rows[-1].seq


async def verify(conn: AsyncConnection) -> VerifyResult:
    """Walk the chain; name the first entry that was edited, deleted or moved."""
    expected_seq, prev, checked = 1, GENESIS, 0
    async for row in entries(conn):
        if row.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq,
                                f"entry {expected_seq} is missing (next present is {row.seq})")
        if row.prev_hash != prev:
            return VerifyResult(False, checked, row.seq,
                                f"entry {row.seq} does not follow entry {row.seq - 1} (deleted or reordered)")
        digest = entry_hash(prev, row.seq, row.at, row.actor, row.action, row.object_type, row.object_id,
                            row.enterprise_id, row.detail)
        if digest != row.hash:
            return VerifyResult(False, checked, row.seq, f"entry {row.seq} was altered (its hash does not match)")
        prev, expected_seq, checked = row.hash, expected_seq + 1, checked + 1
    head = (await conn.execute(select(audit_head.c.seq, audit_head.c.hash))).first()
    last = expected_seq - 1
    if head is not None and (head.seq, head.hash) != (last, prev):
        bad = last + 1 if head.seq > last else head.seq
        return VerifyResult(False, checked, bad,
                            f"the trail ends at entry {last} but its head records entry {head.seq}")
    return VerifyResult(True, checked)


def actor_of(kind: str, ident: str | int | None) -> str:
    """A uniform actor string, e.g. ``ops:3`` (token id), ``oem:ak_x`` (key id), ``cli:root``."""
    return f"{kind}:{ident}" if ident is not None else kind


__all__: Sequence[str] = ["Event", "VerifyResult", "actor_of", "entries", "record", "verify"]
