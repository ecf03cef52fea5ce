"""Mainland resident identity number (居民身份证, GB 11643), 18 characters.

Also the number on a temporary resident ID (临时居民身份证) and in a household
register (户口簿): the same citizen number. Positions 1-2 must be one of the 31
mainland provincial codes (first digit 1-6). Numbers with region 81/82/83 are
residence permits and numbers starting with 9 are foreign permanent resident IDs:
both are refused here with a message naming the right document type.

The 15-digit first-generation number is refused: the first-generation card
stopped being valid on 2013-01-01, and every holder has an 18-character number.

``x`` is accepted for the check character and normalised to ``X``.

>>> validate('11010519491231002x')
'11010519491231002X'
>>> validate('810000199001010019')
Traceback (most recent call last):
    ...
stdnum.exceptions.InvalidComponent: number is a Hong Kong/Macao/Taiwan residence permit number, not a resident ID
>>> validate('110105209901010012', today=datetime.date(2026, 1, 1))
Traceback (most recent call last):
    ...
stdnum.exceptions.InvalidComponent: birth date is in the future
"""

from __future__ import annotations

import datetime

from stdnum.exceptions import InvalidComponent, InvalidLength

from provisioning.documents import gb11643
from provisioning.documents.gb11643 import MAINLAND_PROVINCES, birth_date, calc_check_digit, compact, gender

__all__ = ["birth_date", "calc_check_digit", "compact", "format", "gender", "is_valid", "validate"]


def validate(number: str, *, today: datetime.date | None = None) -> str:
    """Return the normalised number or raise a ``stdnum`` ValidationError."""
    number = compact(number)
    if len(number) == 15 and number.isascii() and number.isdigit():
        raise InvalidLength(
            "number is a 15-digit first-generation number; those cards have been invalid "
            "since 2013 and the 18-character number is required"
        )
    number = gb11643.validate_compact(number, today=today)
    if number[:2] in ("81", "82", "83"):
        raise InvalidComponent("number is a Hong Kong/Macao/Taiwan residence permit number, not a resident ID")
    if number[0] == "9":
        raise InvalidComponent("number is a foreign permanent resident ID number, not a resident ID")
    if number[:2] not in MAINLAND_PROVINCES:
        raise InvalidComponent("region code does not start with a mainland province code")
    return number


def is_valid(number: str, *, today: datetime.date | None = None) -> bool:
    """Whether :func:`validate` accepts ``number``."""
    try:
        return bool(validate(number, today=today))
    except ValueError:
        return False


def format(number: str) -> str:
    """The printed form is the compact form.

    >>> format('110105 19491231 002x')
    '11010519491231002X'
    """
    return compact(number)
