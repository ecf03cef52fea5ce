"""Aggregate queries behind the inspection report: every figure is a GROUP BY, so a
million cards are counted by the database, never loaded.

Results are keyed by enterprise id; an enterprise with no rows is simply absent.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import cast, distinct, exists, func, select, true
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncConnection

from provisioning.cards.states import CardState, RealNameStatus
from provisioning.cards.tables import cards as c
from provisioning.registrations.status import RegistrationStatus
from provisioning.registrations.tables import registrations as r
from provisioning.reports.model import Cards, Registrations

SAMPLE = 10


async def card_counts(conn: AsyncConnection) -> dict[int, Cards]:
    """Per enterprise: cards by state, and how many were sold (a registration reached
    the card) and verified (real-name status VERIFIED), from one grouped scan."""
    rows = await conn.execute(
        select(c.c.enterprise_id, c.c.state, c.c.real_name_status, func.count().label("n"))
        .group_by(c.c.enterprise_id, c.c.state, c.c.real_name_status))
    out: dict[int, Cards] = {}
    for row in rows:
        got = out.setdefault(row.enterprise_id, Cards({}))
        n = int(row.n)
        got.by_state[row.state] = got.by_state.get(row.state, 0) + n
        if row.real_name_status != RealNameStatus.NONE:
            got.sold += n
        if row.real_name_status == RealNameStatus.VERIFIED:
            got.verified += n
    return out


def _reason_codes(conn: AsyncConnection) -> tuple[Any, Any]:
    """A FROM item with one row per element of ``registrations.reasons`` (a JSON list
    stored as text), and the expression of each element's code, per dialect."""
    if conn.dialect.name == "postgresql":
        items = func.jsonb_array_elements(cast(r.c.reasons, JSONB)).table_valued("value").lateral("reason")
        return items, items.c.value.op("->>")("code")
    items = func.json_each(r.c.reasons).table_valued("value").alias("reason")
    return items, func.json_extract(items.c.value, "$.code")


async def registration_counts(conn: AsyncConnection) -> dict[int, Registrations]:
    """Per enterprise: registrations by status, and rejected registrations per reason code
    (a registration citing a code twice counts once for it)."""
    out: dict[int, Registrations] = defaultdict(lambda: Registrations({}, {}))
    for row in await conn.execute(select(r.c.enterprise_id, r.c.status, func.count().label("n"))
                                  .group_by(r.c.enterprise_id, r.c.status)):
        out[row.enterprise_id].by_status[row.status] = int(row.n)
    items, code = _reason_codes(conn)
    query = (select(r.c.enterprise_id, code.label("code"), func.count(distinct(r.c.id)).label("n"))
             .select_from(r).join(items, true()).where(r.c.status == RegistrationStatus.REJECTED)
             .group_by(r.c.enterprise_id, code))
    for row in await conn.execute(query):
        out[row.enterprise_id].rejected_by_reason[row.code or "UNSPECIFIED"] = int(row.n)
    return dict(out)


def _unverified_active() -> Any:
    """ACTIVE cards with no VERIFIED registration of their enterprise for their ICCID."""
    verified = (select(r.c.id).where(r.c.enterprise_id == c.c.enterprise_id, r.c.iccid == c.c.iccid,
                                     r.c.status == RegistrationStatus.VERIFIED))
    return (c.c.state == CardState.ACTIVE) & ~exists(verified)


async def active_without_verified(conn: AsyncConnection) -> dict[int, tuple[int, list[str]]]:
    """Per enterprise with any: how many ACTIVE cards lack a VERIFIED registration (clause
    8: must be none), with up to ``SAMPLE`` of their ICCIDs."""
    found = {row.enterprise_id: int(row.n) for row in await conn.execute(
        select(c.c.enterprise_id, func.count().label("n")).where(_unverified_active())
        .group_by(c.c.enterprise_id))}
    out: dict[int, tuple[int, list[str]]] = {}
    for enterprise_id, n in found.items():
        sample = (await conn.execute(
            select(c.c.iccid).where(c.c.enterprise_id == enterprise_id, _unverified_active())
            .order_by(c.c.iccid).limit(SAMPLE))).scalars().all()
        out[enterprise_id] = (n, list(sample))
    return out
