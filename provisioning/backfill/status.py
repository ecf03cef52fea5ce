"""Where each flagged card stands, and per-enterprise figures for the inspection report.

A flagged card is ``DONE`` once it has a verified registration (any stage; a later
owner change that superseded it still counts). Otherwise it is ``TERMINATED`` (the card
left service: nothing is owed any more), or outstanding: ``PENDING`` (a registration
is being verified), ``REJECTED`` (the latest was rejected) or ``OUTSTANDING`` (none
yet). An outstanding card is *overdue* when today, in China, is after the deadline.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.clock import CHINA
from provisioning.backfill.tables import backfill_cards as b
from provisioning.cards.states import CardState, RealNameStatus
from provisioning.cards.tables import cards
from provisioning.paging import Page, read_page
from provisioning.registrations.status import RegistrationStatus
from provisioning.registrations.tables import registrations as r

MAX_PAGE = 500
OUTSTANDING_STATUSES = (RealNameStatus.PENDING, RealNameStatus.REJECTED, "OUTSTANDING")


def china_today() -> dt.date:
    return dt.datetime.now(CHINA).date()


def _deadline_end(deadline: dt.date) -> dt.datetime:
    """The first instant after the deadline day, in China."""
    return dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time(), CHINA).astimezone(dt.UTC)


def _flagged() -> Select[Any]:
    verified_at = (select(func.min(r.c.decided_at))
                   .where(r.c.enterprise_id == b.c.enterprise_id, r.c.iccid == b.c.iccid,
                          r.c.status.in_((RegistrationStatus.VERIFIED, RegistrationStatus.SUPERSEDED)))
                   .scalar_subquery())
    return (select(b.c.enterprise_id, b.c.iccid, b.c.flagged_at, cards.c.msisdn, cards.c.state,
                   cards.c.real_name_status, verified_at.label("verified_at"))
            .select_from(b.join(cards, cards.c.iccid == b.c.iccid)))


def card_status(verified_at: dt.datetime | None, state: str, real_name_status: str) -> str:
    """
    >>> card_status(None, "PENDING", "PENDING"), card_status(None, "INVENTORY", "NONE")
    ('PENDING', 'OUTSTANDING')
    """
    if verified_at is not None:
        return "DONE"
    if state == CardState.TERMINATED:
        return "TERMINATED"
    return real_name_status if real_name_status in (RealNameStatus.PENDING, RealNameStatus.REJECTED) else "OUTSTANDING"


async def list_flagged(conn: AsyncConnection, *, deadline: dt.date, today: dt.date | None = None,
                       enterprise_id: int | None = None, overdue_only: bool = False, cursor: str | None = None,
                       limit: int = 100) -> Page[dict[str, Any]]:
    """Flagged cards in ICCID order with their status and whether each is overdue; ``cursor``
    is the last ICCID of the previous page."""
    late = (today or china_today()) > deadline
    size = min(max(limit, 1), MAX_PAGE)
    inner = _flagged()
    if enterprise_id is not None:
        inner = inner.where(b.c.enterprise_id == enterprise_id)
    rows_q = inner.subquery()
    query = select(rows_q)
    if overdue_only:
        if not late:
            return Page([], None)
        query = query.where(rows_q.c.verified_at.is_(None), rows_q.c.state != CardState.TERMINATED)

    def item(row: Any) -> dict[str, Any]:
        status = card_status(row.verified_at, row.state, row.real_name_status)
        return {"iccid": row.iccid, "enterprise_id": row.enterprise_id, "msisdn": row.msisdn,
                "card_state": row.state, "status": status, "flagged_at": row.flagged_at,
                "verified_at": row.verified_at, "overdue": late and status in OUTSTANDING_STATUSES}

    return await read_page(conn, query, rows_q.c.iccid, cursor=cursor or None, limit=size, item=item)


@dataclasses.dataclass(frozen=True)
class EnterpriseBackfill:
    """One enterprise's back-registration figures (``outstanding`` = pending + rejected
    + not yet pushed; ``overdue`` = outstanding once the deadline has passed)."""

    enterprise_id: int
    flagged: int = 0
    done: int = 0
    done_late: int = 0
    pending: int = 0
    rejected: int = 0
    outstanding: int = 0
    overdue: int = 0
    terminated: int = 0

    def to_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)


async def summary(conn: AsyncConnection, *, deadline: dt.date, today: dt.date | None = None,
                  enterprise_id: int | None = None) -> list[EnterpriseBackfill]:
    """Per enterprise with flagged cards (by id); with ``enterprise_id``, exactly one
    entry (zeros if it flagged none). ``today`` defaults to today in China."""
    late = (today or china_today()) > deadline
    inner = _flagged()
    if enterprise_id is not None:
        inner = inner.where(b.c.enterprise_id == enterprise_id)
    s = inner.subquery()
    done = s.c.verified_at.is_not(None)
    open_ = s.c.verified_at.is_(None) & (s.c.state != CardState.TERMINATED)

    def count(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    rows = await conn.execute(
        select(s.c.enterprise_id, func.count().label("flagged"), count(done).label("done"),
               count(done & (s.c.verified_at >= _deadline_end(deadline))).label("done_late"),
               count(open_ & (s.c.real_name_status == RealNameStatus.PENDING)).label("pending"),
               count(open_ & (s.c.real_name_status == RealNameStatus.REJECTED)).label("rejected"),
               count(open_).label("outstanding"))
        .group_by(s.c.enterprise_id).order_by(s.c.enterprise_id))
    out = []
    for row in rows:
        outstanding = int(row.outstanding)
        out.append(EnterpriseBackfill(
            row.enterprise_id, int(row.flagged), int(row.done), int(row.done_late), int(row.pending),
            int(row.rejected), outstanding, outstanding if late else 0,
            int(row.flagged) - int(row.done) - outstanding))
    if enterprise_id is not None and not out:
        out.append(EnterpriseBackfill(enterprise_id))
    return out
