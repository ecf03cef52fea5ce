"""IoT MSISDN: the 13-digit numbers of China's dedicated IoT number ranges.

China Mobile uses 1440x, 1441x and 148xx, China Unicom 146xx and China Telecom 1410x.
The prefixes 140, 1411-1419, 142, 143 and 1442-1449 are reserved.

>>> validate('+86 1440 1234 56789')
'1440123456789'
>>> validate('1460000000001', carrier='china-mobile')
Traceback (most recent call last):
    ...
stdnum.exceptions.InvalidComponent: 1460000000001 is a China Unicom IoT number, not China Mobile
>>> validate('1420000000000')
Traceback (most recent call last):
    ...
stdnum.exceptions.InvalidComponent: 1420000000000 is in the reserved IoT prefix 142
>>> format('1440123456789')
'14401 2345 6789'
>>> prefix_ranges('china-mobile')
[(1440000000000, 1441999999999), (1480000000000, 1489999999999)]
"""

from __future__ import annotations

from stdnum.exceptions import InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from stdnum.util import clean, isdigits

from numbering.identifiers.carriers import PROFILES, carrier_for_msisdn, profile_for, reserved_prefix

LENGTH = 13


def compact(number: str | int) -> str:
    """Digits only: separators and a leading +86 / 0086 removed."""
    number = clean(str(number), " -()").strip()
    for lead in ("+86", "0086"):
        if number.startswith(lead):
            number = number[len(lead):]
    if len(number) == LENGTH + 2 and number.startswith("86"):
        number = number[2:]
    return number


def validate(number: str | int, carrier: str | None = None) -> str:
    """The compact number if it is a 13-digit IoT MSISDN (of ``carrier``, if given)."""
    number = compact(number)
    if not isdigits(number):
        raise InvalidFormat(f"{number!r} is not all digits")
    if len(number) != LENGTH:
        raise InvalidLength(f"{number} has {len(number)} digits; IoT numbers have {LENGTH}")
    reserved = reserved_prefix(number)
    if reserved is not None:
        raise InvalidComponent(f"{number} is in the reserved IoT prefix {reserved}")
    owner = carrier_for_msisdn(number)
    if owner is None:
        raise InvalidComponent(f"{number} is not in a dedicated IoT prefix (14xx)")
    if carrier is not None and owner != carrier:
        raise InvalidComponent(
            f"{number} is a {PROFILES[owner].name} IoT number, not {profile_for(carrier).name}")
    return number


def is_valid(number: str | int, carrier: str | None = None) -> bool:
    try:
        return bool(validate(number, carrier))
    except ValidationError:
        return False


def format(number: str | int, international: bool = False) -> str:
    """Grouped as segment (5 digits), then 4 and 4: ``14401 2345 6789``."""
    number = compact(number)
    text = f"{number[:5]} {number[5:9]} {number[9:]}"
    return f"+86 {text}" if international else text


def carrier_of(number: str | int) -> str | None:
    """The carrier key owning a valid IoT number, else None."""
    return carrier_for_msisdn(compact(number)) if is_valid(number) else None


def prefix_ranges(carrier: str) -> list[tuple[int, int]]:
    """The carrier's IoT numbers as merged inclusive integer ranges."""
    spans = sorted(
        (int(p.ljust(LENGTH, "0")), int(p.ljust(LENGTH, "9"))) for p in profile_for(carrier).msisdn_prefixes
    )
    merged: list[tuple[int, int]] = []
    for lo, hi in spans:
        if merged and lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged


def check_range(first: int, last: int, carrier: str) -> None:
    """ValueError unless [first, last] is wholly inside one of ``carrier``'s IoT prefixes.

    >>> check_range(1441999999990, 1480000000009, 'china-mobile')
    Traceback (most recent call last):
        ...
    ValueError: 1441999999990-1480000000009 runs past China Mobile's IoT prefix 1440x/1441x into 1442000000000
    """
    validate(first, carrier)
    validate(last, carrier)
    if first > last:
        raise ValueError(f"first {first} is after last {last}")
    for lo, hi in prefix_ranges(carrier):
        if lo <= first <= hi:
            if last > hi:
                profile = profile_for(carrier)
                span = "/".join(f"{p}x" for p in profile.msisdn_prefixes if lo <= int(p.ljust(LENGTH, "0")) <= hi)
                raise ValueError(f"{first}-{last} runs past {profile.name}'s IoT prefix {span} into {hi + 1}")
            return
