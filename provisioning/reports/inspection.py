"""Gather the regulator's inspection report (docs/cli.md#report-for-the-regulator) in the caller's
read transaction: run it in one snapshot so the figures agree with each other.

Findings: a *violation* is an ACTIVE card without a VERIFIED registration (clause 8;
must be zero). *Warnings* are back-registrations still open after the deadline
(clause 9) and a role with no responsible person (clause 10).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.dbtypes import utcnow
from numbering.identifiers.profile import get_profile
from provisioning.backfill import status as backfill
from provisioning.enterprises.tables import enterprises as e
from provisioning.metering import octets
from provisioning.privacy.keyring import Keyring
from provisioning.reports import queries, resources, roster
from provisioning.reports.data_use import DataUse
from provisioning.reports.document import EnterpriseReport, Finding, InspectionReport, Meta
from provisioning.reports.model import (
    ACTIVE_UNVERIFIED,
    BACKFILL_OVERDUE,
    PERSON_MISSING,
    Cards,
    IpUse,
    NumberUse,
    Registrations,
)
from provisioning.reports.wording import N_


async def _carrier(conn: AsyncConnection) -> dict[str, object]:
    p = await get_profile(conn)
    return {"key": p.key, "name": p.name, "mcc": p.mcc, "mnc": p.default_mnc,
            "iccid_issuer": p.default_iccid_issuer, "msisdn_prefixes": list(p.msisdn_prefixes),
            "quarantine_days": p.quarantine_days}


async def gather(conn: AsyncConnection, keyring: Keyring, *, deadline: dt.date, database: str,
                 today: dt.date | None = None, now: dt.datetime | None = None) -> InspectionReport:
    """The report over every enterprise. ``keyring`` only decrypts responsible persons
    to mask them; nothing personal leaves unmasked."""
    now = now or utcnow()
    today = today or backfill.china_today()
    ents = (await conn.execute(select(e.c.id, e.c.name, e.c.uscc, e.c.kind, e.c.authorized_by,
                                      e.c.authorized_until).order_by(e.c.id))).all()
    names = {row.id: row.name for row in ents}
    cards = await queries.card_counts(conn)
    regs = await queries.registration_counts(conn)
    unverified = await queries.active_without_verified(conn)
    late = {s.enterprise_id: s.to_dict() for s in await backfill.summary(conn, deadline=deadline, today=today)}
    numbers = await resources.number_use(conn)
    ips = await resources.ip_use(conn)
    rosters = await roster.rosters(conn, keyring, at=now)
    data = await octets.enterprise_totals(conn)
    sections = []
    for row in ents:
        count, sample = unverified.get(row.id, (0, []))
        sections.append(EnterpriseReport(
            row.id, row.name, row.uscc, row.kind, row.authorized_by, names.get(row.authorized_by),
            row.authorized_until, cards.get(row.id) or Cards({}), regs.get(row.id) or Registrations({}, {}),
            {k: v for k, v in late.get(row.id, {}).items() if k != "enterprise_id"}, count, sample,
            numbers.get(row.id) or NumberUse(), ips.get(row.id) or IpUse(),
            rosters.get(row.id) or roster.empty_roster(), DataUse.of(data.get(row.id))))
    meta = Meta(now, await _carrier(conn), deadline, today, database)
    return InspectionReport(meta, sections, violations(sections), warnings(sections, deadline))


def violations(sections: list[EnterpriseReport]) -> list[Finding]:
    return [Finding(ACTIVE_UNVERIFIED, s.enterprise_id, s.active_unverified,
                    N_("%(count)s ACTIVE card(s) of enterprise %(enterprise)s have no VERIFIED registration: "
                       "service without a verified identity (clause 8)"),
                    {"count": s.active_unverified, "enterprise": s.enterprise_id}, tuple(s.active_unverified_sample))
            for s in sections if s.active_unverified]


def warnings(sections: list[EnterpriseReport], deadline: dt.date) -> list[Finding]:
    out = []
    for s in sections:
        overdue = s.backfill.get("overdue", 0)
        if overdue:
            out.append(Finding(BACKFILL_OVERDUE, s.enterprise_id, overdue,
                               N_("%(count)s flagged card(s) of enterprise %(enterprise)s still lack a verified "
                                  "back-registration after the deadline %(deadline)s (clause 9)"),
                               {"count": overdue, "enterprise": s.enterprise_id, "deadline": deadline.isoformat()}))
        vacant = [r.role for r in s.roster.roles if not r.serving]
        if vacant:
            out.append(Finding(PERSON_MISSING, s.enterprise_id, len(vacant),
                               N_("enterprise %(enterprise)s has no responsible person for %(roles)s (clause 10)"),
                               {"enterprise": s.enterprise_id, "roles": ", ".join(vacant)}))
    return out
