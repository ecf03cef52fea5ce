"""Mainland travel permit for Taiwan residents (台湾居民来往大陆通行证, 台胞证).

Since 2008-09-25 the number is the holder's 8-digit lifelong number (一人一号、
终身不变), also on the card permits issued since 2015. Before that the number
had 10 or more characters: the lifelong number, a 2-digit issue count and
sometimes an issuing-office code in brackets (``1234567801(B)``). Those permits
were valid for at most five years, so every one has expired: the long forms are
refused with a message that asks for the 8-digit number.

>>> validate(' 1234 5678 ')
'12345678'
>>> validate('1234567801(B)')
Traceback (most recent call last):
    ...
stdnum.exceptions.InvalidLength: number is a pre-2008 number (expired); give the 8-digit lifelong number
"""

from __future__ import annotations

import re

from stdnum.exceptions import InvalidFormat, InvalidLength

from provisioning.documents._text import clean, first_bad

__all__ = ["compact", "is_valid", "validate"]

_LEGACY = re.compile(r"[0-9]{10}(\([0-9A-Z]\))?")


def compact(number: str) -> str:
    """Normalise: NFKC (full-width digits and brackets), no spaces or hyphens."""
    return clean(number)


def validate(number: str) -> str:
    """Return the 8-digit number or raise a ``stdnum`` ValidationError."""
    number = compact(number)
    if _LEGACY.fullmatch(number):
        raise InvalidLength("number is a pre-2008 number (expired); give the 8-digit lifelong number")
    if len(number) != 8:
        raise InvalidLength(f"number has {len(number)} characters, expected 8 digits")
    bad = first_bad(number, "0123456789")
    if bad is not None:
        raise InvalidFormat(f"character {bad} is not a digit")
    return number


def is_valid(number: str) -> bool:
    """Whether :func:`validate` accepts ``number``."""
    try:
        return bool(validate(number))
    except ValueError:
        return False
