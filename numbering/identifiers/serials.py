"""Serial counters for the ICCIDs and IMSIs this system issues.

:func:`reserve` hands out a contiguous range of serials under a row lock, so two
processes issuing cards at once never get the same serial; the generators
:func:`numbering.identifiers.iccid.from_serial` and :func:`numbering.identifiers.imsi.from_serial` turn a
serial into the identifier.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.errors import Exhausted, Invalid
from numbering.identifiers import iccid, imsi
from numbering.sqlutil import insert_ignore
from numbering.tables import serials

#: serials start at 1 (an all-zero MSIN looks like a test value); the limit is exclusive
FIRST_SERIAL = 1
LIMITS = {"iccid": iccid.SERIAL_LIMIT, "imsi": imsi.SERIAL_LIMIT}


async def reserve(conn: AsyncConnection, kind: str, count: int) -> int:
    """Reserve ``count`` consecutive serials of ``kind`` ("iccid" or "imsi"); returns the first."""
    if kind not in LIMITS:
        raise Invalid(f"unknown serial kind {kind!r}: use iccid or imsi", field="kind")
    if count < 1:
        raise Invalid(f"count must be at least 1, not {count}", field="count")
    await insert_ignore(conn, serials, kind=kind, next_serial=FIRST_SERIAL)
    first = (await conn.execute(
        select(serials.c.next_serial).where(serials.c.kind == kind).with_for_update()
    )).scalar_one()
    left = LIMITS[kind] - first
    if count > left:
        raise Exhausted(f"only {left} {kind.upper()} serials are left, {count} requested")
    await conn.execute(update(serials).where(serials.c.kind == kind).values(next_serial=first + count))
    return int(first)


async def peek(conn: AsyncConnection, kind: str) -> int:
    """The next serial ``reserve`` would hand out (for reports)."""
    value = (await conn.execute(select(serials.c.next_serial).where(serials.c.kind == kind))).scalar()
    return FIRST_SERIAL if value is None else int(value)
