"""The responsible-person roster per enterprise (clause 10): who serves in each role
now (masked), since when, and when anyone's term last began or ended."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from provisioning.enterprises import persons
from provisioning.enterprises.people import ROLES
from provisioning.enterprises.tables import responsible_persons as rp
from provisioning.privacy.keyring import Keyring
from provisioning.reports.model import Roster, RosterRole


def latest(*values: dt.datetime | None) -> dt.datetime | None:
    """
    >>> latest(None, None) is None
    True
    """
    present = [v for v in values if v is not None]
    return max(present) if present else None


async def last_changes(conn: AsyncConnection) -> dict[int, dt.datetime | None]:
    rows = await conn.execute(select(rp.c.enterprise_id, func.max(rp.c.term_start).label("started"),
                                     func.max(rp.c.term_end).label("ended")).group_by(rp.c.enterprise_id))
    return {row.enterprise_id: latest(_aware(row.started), _aware(row.ended)) for row in rows}


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """MAX() bypasses the column type: SQLite hands back a naive UTC value (or text)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


async def rosters(conn: AsyncConnection, keyring: Keyring, *, at: dt.datetime) -> dict[int, Roster]:
    """Every enterprise's roster at ``at``, masked: one entry per role in ``ROLES``
    (``serving=False`` where nobody serves)."""
    serving: dict[int, dict[str, RosterRole]] = {}
    for entry in await persons.roster(conn, keyring, on=at):
        p = entry.person
        if p is not None:
            serving.setdefault(entry.enterprise_id, {})[p.role] = RosterRole(
                p.role, True, p.name, p.id_type, p.id_number, p.phone, p.term_start)
    changed = await last_changes(conn)
    out: dict[int, Roster] = {}
    for enterprise_id in set(serving) | set(changed):
        roles = serving.get(enterprise_id, {})
        out[enterprise_id] = Roster([roles.get(role) or RosterRole(role, False) for role in ROLES],
                                    changed.get(enterprise_id))
    return out


def empty_roster() -> Roster:
    return Roster([RosterRole(role, False) for role in ROLES])
