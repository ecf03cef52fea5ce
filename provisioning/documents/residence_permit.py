"""Residence permit for Hong Kong, Macao and Taiwan residents (港澳台居民居住证).

Issued since 2018 with a GB 11643 number whose region is exactly 810000 (Hong
Kong), 820000 (Macao) or 830000 (Taiwan); same birth date and check rules as the
resident ID (:mod:`.gb11643`).

>>> validate('810000199001010019')
'810000199001010019'
>>> region('830000199001010012')
'Taiwan'
>>> validate('11010519491231002X')
Traceback (most recent call last):
    ...
stdnum.exceptions.InvalidComponent: region code is not 810000, 820000 or 830000
"""

from __future__ import annotations

import datetime

from stdnum.exceptions import InvalidComponent

from provisioning.documents import gb11643
from provisioning.documents.gb11643 import birth_date, calc_check_digit, compact, gender

__all__ = ["REGIONS", "birth_date", "calc_check_digit", "compact", "gender", "is_valid", "region", "validate"]

REGIONS = {"810000": "Hong Kong", "820000": "Macao", "830000": "Taiwan"}


def validate(number: str, *, today: datetime.date | None = None) -> str:
    """Return the normalised number or raise a ``stdnum`` ValidationError."""
    number = gb11643.validate(number, today=today)
    if number[:6] not in REGIONS:
        raise InvalidComponent("region code is not 810000, 820000 or 830000")
    return number


def is_valid(number: str, *, today: datetime.date | None = None) -> bool:
    """Whether :func:`validate` accepts ``number``."""
    try:
        return bool(validate(number, today=today))
    except ValueError:
        return False


def region(number: str) -> str:
    """``'Hong Kong'``, ``'Macao'`` or ``'Taiwan'`` (the number must be valid)."""
    return REGIONS[validate(number)[:6]]
