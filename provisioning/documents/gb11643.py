"""GB 11643 citizen identity number structure, shared by three documents.

The 18-character layout (6-digit region, YYYYMMDD birth date, 3-digit sequence,
ISO 7064 MOD 11-2 check character) is used by the mainland resident ID
(:mod:`.resident_id`), the Hong Kong/Macao/Taiwan residence permit
(:mod:`.residence_permit`, regions 810000/820000/830000) and the 2023 foreign
permanent resident ID (:mod:`.permanent_resident`, first digit 9). This module
checks what they share; each document module adds its own region rule.

The check character is computed with ``stdnum.iso7064.mod_11_2``, which gets it
right. We do not use ``stdnum.cn.ric``: it rejects regions 81/82/83 and the 9
prefix (it looks regions up in a county table) and accepts birth years such as
2099 (it never compares the birth date with today).

Birth dates must be real calendar dates, not after ``today`` (the current date
in China, UTC+8, unless given) and not before 1900-01-01.

>>> validate('11010519491231002x')
'11010519491231002X'
>>> birth_date('11010519491231002X')
datetime.date(1949, 12, 31)
>>> gender('11010519491231002X')
'F'
"""

from __future__ import annotations

import datetime
import operator

from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat
from stdnum.iso7064 import mod_11_2

from numbering.clock import CHINA as CHINA_TZ
from provisioning.documents._text import clean, first_bad, require_length

DIGITS = "0123456789"
EARLIEST_BIRTH = datetime.date(1900, 1, 1)

#: The 34 provincial-level codes of GB/T 2260 that can appear as positions 1-2
#: of a mainland number (unchanged since Chongqing got 50 in 1997). County-level
#: codes are not checked: they change over time and numbers keep the old code.
MAINLAND_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65".split()
)


def today_in_china() -> datetime.date:
    """The current calendar date in China (UTC+8, no daylight saving)."""
    return datetime.datetime.now(CHINA_TZ).date()


def compact(number: str) -> str:
    """Normalise: NFKC (full-width digits), no spaces or hyphens, ``x`` to ``X``.

    >>> compact(' 110105 19491231 002x ')
    '11010519491231002X'
    """
    return clean(number)


def calc_check_digit(number: str) -> str:
    """The check character for the first 17 digits of ``number``.

    >>> calc_check_digit('11010519491231002')
    'X'
    """
    return mod_11_2.calc_check_digit(number[:17])


def birth_date(number: str) -> datetime.date:
    """The birth date in positions 7-14; InvalidComponent if it is no real date."""
    return birth_date_of_compact(compact(number))


def birth_date_of_compact(number: str) -> datetime.date:
    """:func:`birth_date` of a number already in its compact form (not normalised again)."""
    try:
        return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidComponent("birth date is not a real calendar date") from None


def gender(number: str) -> str:
    """``'M'`` when the sequence code (position 17) is odd, else ``'F'``."""
    return "M" if int(compact(number)[16]) % 2 else "F"


#: ISO 7064 MOD 11-2 over 17 digits as GB 11643 writes it: the weights 2^(17-i) mod 11
#: and the check character for each remainder of the weighted sum (equal to
#: ``mod_11_2.calc_check_digit``, without its per-digit Python loop)
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"
#: the weighted sum of 17 zeros' character codes: taken off a sum over the codes (ord("0") is 48)
_ZEROS = 48 * sum(_WEIGHTS)


def _check_character(digits: str) -> str:
    """The check character of 17 ASCII digits (summed over their character codes: no int() per digit)."""
    return _CHECK_CHARACTERS[(sum(map(operator.mul, digits.encode("ascii"), _WEIGHTS)) - _ZEROS) % 11]


def validate(number: str, *, today: datetime.date | None = None) -> str:
    """Check length, characters, check character and birth date; no region rule."""
    return validate_compact(compact(number), today=today)


def validate_compact(number: str, *, today: datetime.date | None = None) -> str:
    """:func:`validate` of a number already in its compact form (not normalised again)."""
    require_length(number, 18)
    head = number[:17]
    if not (head.isascii() and head.isdigit()):
        bad = first_bad(head, DIGITS)
        if bad is not None:
            raise InvalidFormat(f"character {bad} is not a digit")
    if number[17] not in DIGITS + "X":
        raise InvalidFormat("character 18 (check character) is not a digit or X")
    if number[17] != _check_character(head):
        raise InvalidChecksum("check character does not match the first 17 digits")
    born = birth_date_of_compact(number)
    if born > (today or today_in_china()):
        raise InvalidComponent("birth date is in the future")
    if born < EARLIEST_BIRTH:
        raise InvalidComponent("birth date is before 1900")
    return number


def is_valid(number: str, *, today: datetime.date | None = None) -> bool:
    """Whether :func:`validate` accepts ``number``."""
    try:
        return bool(validate(number, today=today))
    except ValueError:
        return False
