"""What an enterprise's cards may reach: the minimum-necessary allow lists.

``PLATFORM_PREFIX``: IPv4/IPv6 prefixes of the enterprise's platforms (TBOX data, and
factory-test data through its APN); ``SHORT_CODE``: numbers that may send SMS to its
TBOX cards (remote wake-up); ``CALL_CENTRE``: numbers its ECALL cards may call besides
110/119/120/122. At most 10 of each kind.
"""

from __future__ import annotations

import dataclasses
import re

import netaddr
from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.sqlutil import lock_names
from provisioning.audit.trail import Event, record
from provisioning.enterprises.errors import DestinationInvalid, DestinationLimit, DestinationNotFound
from provisioning.enterprises.kinds import DESTINATION_KINDS as KINDS
from provisioning.enterprises.registry import get_enterprise
from provisioning.enterprises.tables import enterprise_destinations as dest

MAX_PER_KIND = 10
_NUMBER = re.compile(r"^\d{3,20}$")


def normalize_number(number: str) -> str:
    """Digits only; a +86/0086 country prefix is dropped.

    >>> normalize_number("+86 400-800-1234")
    '4008001234'
    """
    digits = re.sub(r"[\s\-()]", "", number.strip())
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix):]
    return digits


def normalize(kind: str, value: str) -> str:
    """The stored form of a destination, or DestinationInvalid.

    >>> normalize("PLATFORM_PREFIX", "10.20.0.7/16")
    '10.20.0.0/16'
    >>> normalize("PLATFORM_PREFIX", "2001:db8::1")
    '2001:db8::1/128'
    """
    if kind == "PLATFORM_PREFIX":
        try:
            net = netaddr.IPNetwork(value.strip())
        except (netaddr.AddrFormatError, ValueError, TypeError):
            raise DestinationInvalid(f"{value!r} is not an IPv4 or IPv6 prefix", field="value") from None
        if "/" in value and net.prefixlen == 0:
            raise DestinationInvalid("a /0 prefix would allow the whole internet", field="value")
        return str(net.cidr)
    if kind in ("SHORT_CODE", "CALL_CENTRE"):
        number = normalize_number(value)
        if not _NUMBER.match(number):
            raise DestinationInvalid(f"{value!r} is not a number of 3 to 20 digits", field="value")
        return number
    raise DestinationInvalid(f"kind must be one of {', '.join(KINDS)}, not {kind!r}", field="kind")


@dataclasses.dataclass(frozen=True)
class Destinations:
    """An enterprise's allow lists, ready for the service rules."""

    apn: str
    platforms: tuple[netaddr.IPNetwork, ...] = ()
    short_codes: frozenset[str] = frozenset()
    call_centres: frozenset[str] = frozenset()

    def reaches_platform(self, address: netaddr.IPAddress) -> bool:
        return any(address in net for net in self.platforms)


async def add_destination(conn: AsyncConnection, enterprise_id: int, kind: str, value: str, *,
                          actor: str) -> str:
    value = normalize(kind, value)
    await get_enterprise(conn, enterprise_id)
    await lock_names(conn, [f"destinations:{enterprise_id}:{kind}"])  # the count below decides: one adder at a time
    rows = (await conn.execute(select(dest.c.value).where(dest.c.enterprise_id == enterprise_id,
                                                          dest.c.kind == kind))).scalars().all()
    if value in rows:
        return value
    if len(rows) >= MAX_PER_KIND:
        raise DestinationLimit(f"enterprise {enterprise_id} already has {MAX_PER_KIND} {kind} entries; "
                               "remove one first")
    await conn.execute(insert(dest).values(enterprise_id=enterprise_id, kind=kind, value=value))
    await record(conn, Event(actor, "destination.added", "enterprise", enterprise_id, enterprise_id,
                             {"kind": kind, "value": value}))
    return value


async def remove_destination(conn: AsyncConnection, enterprise_id: int, kind: str, value: str, *,
                             actor: str) -> str:
    value = normalize(kind, value)
    result = await conn.execute(delete(dest).where(dest.c.enterprise_id == enterprise_id, dest.c.kind == kind,
                                                   dest.c.value == value))
    if result.rowcount == 0:
        raise DestinationNotFound(f"enterprise {enterprise_id} has no {kind} {value}")
    await record(conn, Event(actor, "destination.removed", "enterprise", enterprise_id, enterprise_id,
                             {"kind": kind, "value": value}))
    return value


async def list_destinations(conn: AsyncConnection, enterprise_id: int) -> dict[str, list[str]]:
    await get_enterprise(conn, enterprise_id)
    rows = await conn.execute(select(dest.c.kind, dest.c.value).where(dest.c.enterprise_id == enterprise_id)
                              .order_by(dest.c.kind, dest.c.id))
    out: dict[str, list[str]] = {k: [] for k in KINDS}
    for kind, value in rows:
        out[kind].append(value)
    return out


async def load_destinations(conn: AsyncConnection, enterprise_id: int, apn: str) -> Destinations:
    """The allow lists of one enterprise (one indexed query; used on the authorize path)."""
    rows = (await conn.execute(select(dest.c.kind, dest.c.value).where(dest.c.enterprise_id == enterprise_id)
                               .order_by(dest.c.id))).all()
    return Destinations(
        apn=apn,
        platforms=tuple(netaddr.IPNetwork(v) for k, v in rows if k == "PLATFORM_PREFIX"),
        short_codes=frozenset(v for k, v in rows if k == "SHORT_CODE"),
        call_centres=frozenset(v for k, v in rows if k == "CALL_CENTRE"),
    )

