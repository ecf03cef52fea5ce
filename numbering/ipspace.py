"""IPv4 and IPv6 in one 128-bit space, stored as fixed-width hex keys.

SQLite integers are 64-bit, so a 128-bit address cannot be an INTEGER column. Every
address is instead a 32-character lower-case hex string of its 128-bit value
(``to_key``). Fixed width makes string order equal numeric order on both SQLite
(binary comparison) and PostgreSQL (any collation orders ``0-9`` before ``a-f``), so
indexes, ``ORDER BY`` and range lookups work on the keys directly; the arithmetic is
done in Python on ints.

IPv4 addresses live in the IPv4-mapped range ``::ffff:0:0/96``, so an IPv4 and an IPv6
address never share a key and IPv4 prefix lengths are stored plus 96 (``width`` math
is always 128-bit). IPv6 pools inside ``::ffff:0:0/96`` are refused: write them as IPv4.

>>> net = parse_network('10.0.0.0/8')
>>> net.version, net.prefixlen, to_key(net.first)
(4, 104, '00000000000000000000ffff0a000000')
>>> cidr_text(net.first, net.prefixlen)
'10.0.0.0/8'
>>> usable(parse_network('192.0.2.0/30'))
(281473902969345, 281473902969346)
"""

from __future__ import annotations

import dataclasses

import netaddr

WIDTH = 128
V4_BASE = 0xFFFF << 32
V4_OFFSET = 96


def to_key(value: int) -> str:
    return f"{value:032x}"


def from_key(key: str) -> int:
    return int(key, 16)


@dataclasses.dataclass(frozen=True)
class Network:
    """A CIDR in the unified space: ``prefixlen`` is 128-bit (IPv4 length + 96)."""

    version: int
    first: int
    prefixlen: int

    @property
    def last(self) -> int:
        return self.first + (1 << (WIDTH - self.prefixlen)) - 1

    @property
    def native_prefixlen(self) -> int:
        return self.prefixlen - V4_OFFSET if self.version == 4 else self.prefixlen

    @property
    def size(self) -> int:
        return 1 << (WIDTH - self.prefixlen)

    def __str__(self) -> str:
        return cidr_text(self.first, self.prefixlen)


def parse_network(text: str) -> Network:
    """A CIDR with its length written out and no host bits set (ValueError otherwise)."""
    text = text.strip()
    if "/" not in text:
        raise ValueError(f"{text!r} is not a CIDR: write the prefix length, e.g. 10.0.0.0/8")
    try:
        net = netaddr.IPNetwork(text)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        raise ValueError(f"{text!r} is not an IPv4 or IPv6 CIDR") from None
    if net.ip != net.network:
        raise ValueError(f"{text} has host bits set: the network is {net.cidr}")
    if net.version == 6 and net.first >> 32 == 0xFFFF:
        raise ValueError(f"{text} is IPv4-mapped: write it as an IPv4 CIDR")
    if net.version == 4:
        return Network(4, V4_BASE + net.first, net.prefixlen + V4_OFFSET)
    return Network(6, net.first, net.prefixlen)


def parse_address(text: str) -> int:
    """One IPv4 or IPv6 address as its unified 128-bit value (ValueError otherwise)."""
    try:
        ip = netaddr.IPAddress(text.strip())
    except (netaddr.AddrFormatError, ValueError, TypeError):
        raise ValueError(f"{text!r} is not an IPv4 or IPv6 address") from None
    return V4_BASE + int(ip) if ip.version == 4 else int(ip)


def version_of(value: int) -> int:
    return 4 if value >> 32 == 0xFFFF else 6


def address_text(value: int) -> str:
    if version_of(value) == 4:
        return str(netaddr.IPAddress(value - V4_BASE, 4))
    return str(netaddr.IPAddress(value, 6))


def cidr_text(first: int, prefixlen: int) -> str:
    if version_of(first) == 4 and prefixlen >= V4_OFFSET:
        return f"{netaddr.IPAddress(first - V4_BASE, 4)}/{prefixlen - V4_OFFSET}"
    return f"{netaddr.IPAddress(first, 6)}/{prefixlen}"


def usable(net: Network) -> tuple[int, int]:
    """The first and last address a card may get in ``net``.

    IPv4: not the network or broadcast address, except in a /31 (RFC 3021) or /32.
    IPv6: not the subnet-router anycast address (the first), except in a /127
    (RFC 6164) or /128.
    """
    native = net.native_prefixlen
    if net.version == 4:
        return (net.first, net.last) if native >= 31 else (net.first + 1, net.last - 1)
    return (net.first, net.last) if native >= 127 else (net.first + 1, net.last)
