"""The carrier profile recorded at ``carrier init --carrier ...`` (one row).

Until a profile is recorded, :func:`get_profile` answers the default (China Mobile,
90-day cooling-off) without writing. The carrier cannot change once the database
holds its numbers (segments, or issued ICCID/IMSI serials).
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.dbtypes import utcnow
from numbering.errors import Conflict, Invalid
from numbering.identifiers.carriers import DEFAULT_CARRIER, PROFILES, CarrierProfile, profile_for
from numbering.sqlutil import insert_ignore
from numbering.tables import profile, segments, serials

_ROW = 1
MAX_QUARANTINE_DAYS = 3650


def _from_row(carrier: str, mnc: str, issuer: str, days: int) -> CarrierProfile:
    return dataclasses.replace(PROFILES[carrier], default_mnc=mnc, default_iccid_issuer=issuer,
                               quarantine_days=days)


async def get_profile(conn: AsyncConnection) -> CarrierProfile:
    """The recorded profile, or the default one if none is recorded yet."""
    row = (await conn.execute(select(profile).where(profile.c.id == _ROW))).first()
    if row is None:
        return PROFILES[DEFAULT_CARRIER]
    return _from_row(row.carrier, row.mnc, row.iccid_issuer, row.quarantine_days)


async def lock(conn: AsyncConnection) -> CarrierProfile:
    """Lock the profile row (creating the default one if missing) for this transaction.

    Adding segments and pools takes this lock, so overlap checks cannot race.
    """
    default = PROFILES[DEFAULT_CARRIER]
    await insert_ignore(conn, profile, id=_ROW, carrier=default.key, mnc=default.default_mnc,
                        iccid_issuer=default.default_iccid_issuer)
    row = (await conn.execute(select(profile).where(profile.c.id == _ROW).with_for_update())).one()
    return _from_row(row.carrier, row.mnc, row.iccid_issuer, row.quarantine_days)


async def set_profile(conn: AsyncConnection, key: str) -> CarrierProfile:
    """Record carrier ``key``; refused once segments or issued serials exist for another."""
    try:
        wanted = profile_for(key)
    except ValueError as exc:
        raise Invalid(str(exc), field="carrier") from None
    current = await lock(conn)
    if current.key == wanted.key:
        return current
    n_segments = (await conn.execute(select(func.count()).select_from(segments))).scalar_one()
    n_serials = (await conn.execute(select(func.count()).select_from(serials))).scalar_one()
    if n_segments or n_serials:
        held = f"{n_segments} number segment(s)" if n_segments else "issued ICCID/IMSI serials"
        raise Conflict(
            f"this database already holds {held} of {current.name}; it cannot become {wanted.name}",
            code="CARRIER_LOCKED", field="carrier")
    await conn.execute(update(profile).where(profile.c.id == _ROW).values(
        carrier=wanted.key, mnc=wanted.default_mnc, iccid_issuer=wanted.default_iccid_issuer, updated_at=utcnow()))
    return dataclasses.replace(wanted, quarantine_days=current.quarantine_days)


async def set_quarantine_days(conn: AsyncConnection, days: int) -> CarrierProfile:
    """How long released numbers cool off before reuse (applies to later releases)."""
    if not 0 <= days <= MAX_QUARANTINE_DAYS:
        raise Invalid(f"cooling-off must be 0 to {MAX_QUARANTINE_DAYS} days, not {days}", field="days")
    current = await lock(conn)
    await conn.execute(update(profile).where(profile.c.id == _ROW).values(quarantine_days=days, updated_at=utcnow()))
    return dataclasses.replace(current, quarantine_days=days)
