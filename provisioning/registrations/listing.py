"""Registrations listed for carrier staff: filtered by status, reason code, enterprise and
the time received, newest first, a page at a time. Only what identifies no person is
listed (ids, card, status, reasons, times); the subject stays in its own view, masked."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from provisioning.paging import Page, read_page
from provisioning.registrations.tables import registrations as r

MAX_PAGE = 200
_REASON = re.compile(r"^[A-Z0-9_]{1,64}$")


@dataclasses.dataclass(frozen=True)
class Filters:
    status: str | None = None
    reason: str | None = None
    enterprise_id: int | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def _item(row: Any) -> dict[str, Any]:
    return {"registration_id": row.id, "enterprise_id": row.enterprise_id,
            "iccid": row.iccid or (row.card_ref if len(row.card_ref) >= 18 else None), "stage": row.stage,
            "status": row.status, "reasons": json.loads(row.reasons), "job_id": row.job_id,
            "received_at": row.received_at, "decided_at": row.decided_at}


async def list_registrations(conn: AsyncConnection, filters: Filters, *, before: str | None = None,
                             limit: int = 50) -> Page[dict[str, Any]]:
    """Newest first (by id, which grows with time); ``before`` is the last id of the
    previous page. A reason filter that is no reason code matches nothing."""
    query = select(r.c.id, r.c.enterprise_id, r.c.iccid, r.c.card_ref, r.c.stage, r.c.status, r.c.reasons,
                   r.c.job_id, r.c.received_at, r.c.decided_at)
    if filters.status:
        query = query.where(r.c.status == filters.status)
    if filters.reason:
        if not _REASON.match(filters.reason):
            return Page([], None)
        query = query.where(r.c.reasons.contains(f'"{filters.reason}"'))
    if filters.enterprise_id is not None:
        query = query.where(r.c.enterprise_id == filters.enterprise_id)
    if filters.since is not None:
        query = query.where(r.c.received_at >= filters.since)
    if filters.until is not None:
        query = query.where(r.c.received_at < filters.until)
    return await read_page(conn, query, r.c.id, cursor=before or None, limit=limit, item=_item, descending=True)


async def for_card(conn: AsyncConnection, enterprise_id: int, iccid: str) -> list[dict[str, Any]]:
    """Every registration of the card's enterprise that named this card, newest first."""
    rows = await conn.execute(select(r.c.id, r.c.status, r.c.stage, r.c.reasons, r.c.received_at, r.c.decided_at)
                              .where(r.c.enterprise_id == enterprise_id, (r.c.iccid == iccid) | (r.c.card_ref == iccid))
                              .order_by(r.c.id.desc()))
    return [{"registration_id": row.id, "status": row.status, "stage": row.stage, "reasons": json.loads(row.reasons),
             "received_at": row.received_at, "decided_at": row.decided_at} for row in rows]
