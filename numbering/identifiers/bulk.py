"""ICCIDs and IMSIs for runs of consecutive serials, fast enough for bulk issuance.

``numbering.identifiers.iccid.from_serial`` is the definition (``8986`` + issuer + 13-digit serial
+ Luhn digit); computing the Luhn digit digit by digit for a million cards costs more
than inserting them. Here the Luhn sum is split into a constant part (the head), the
serial's high digits (one table entry per 10,000 serials) and its four low digits (a
10,000-entry table), and every run is checked against ``from_serial`` at both ends.

>>> from numbering.identifiers.carriers import PROFILES
>>> from numbering.identifiers import iccid
>>> p = PROFILES["china-unicom"]
>>> iccids(p, 9_998, 4) == [iccid.from_serial(p, s) for s in range(9_998, 10_002)]
True
"""

from __future__ import annotations

import functools

from numbering.identifiers import iccid, imsi
from numbering.identifiers.carriers import CarrierProfile

_LOW = 4
_LOW_MOD = 10**_LOW


def _luhn_part(digits: str, offset: int) -> int:
    """Luhn contribution of ``digits`` whose last digit sits ``offset`` places left of
    the check digit's neighbour (offset 0 = the rightmost body digit, which is doubled)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if (offset + i) % 2 == 0:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return total


@functools.lru_cache(maxsize=1)
def _low_table() -> tuple[int, ...]:
    return tuple(_luhn_part(f"{n:0{_LOW}d}", 0) for n in range(_LOW_MOD))


@functools.lru_cache(maxsize=8)
def _head(profile: CarrierProfile) -> tuple[str, int]:
    head = iccid.from_serial(profile, 0)[: -1 - iccid.SERIAL_DIGITS]
    return head, _luhn_part(head, iccid.SERIAL_DIGITS)


def iccids(profile: CarrierProfile, first: int, count: int) -> list[str]:
    """``[from_serial(profile, s) for s in range(first, first + count)]``, table-driven."""
    if count <= 0:
        return []
    head, head_sum = _head(profile)
    low = _low_table()
    width = iccid.SERIAL_DIGITS
    out: list[str] = []
    high_digits = width - _LOW
    pos, end = first, first + count
    while pos < end:  # the high digits are constant for up to 10,000 serials
        high, low0 = divmod(pos, _LOW_MOD)
        n = min(_LOW_MOD - low0, end - pos)
        prefix = f"{head}{high:0{high_digits}d}"
        base = head_sum + _luhn_part(f"{high:0{high_digits}d}", _LOW)
        out.extend(f"{prefix}{k:0{_LOW}d}{(10 - (base + low[k]) % 10) % 10}" for k in range(low0, low0 + n))
        pos += n
    if out[0] != iccid.from_serial(profile, first) or out[-1] != iccid.from_serial(profile, first + count - 1):
        raise AssertionError("bulk ICCID generation disagrees with numbering.identifiers.iccid.from_serial")
    return out


def imsis(profile: CarrierProfile, first: int, count: int) -> list[str]:
    """``[imsi.from_serial(profile, s) ...]`` for a run, checked at both ends."""
    if count <= 0:
        return []
    head = imsi.from_serial(profile, 0)[: -imsi.MSIN_DIGITS]
    out = [f"{head}{s:0{imsi.MSIN_DIGITS}d}" for s in range(first, first + count)]
    if out[0] != imsi.from_serial(profile, first) or out[-1] != imsi.from_serial(profile, first + count - 1):
        raise AssertionError("bulk IMSI generation disagrees with numbering.identifiers.imsi.from_serial")
    return out
