"""Vehicle identification number (ISO 3779, GB 16735), 17 characters.

Characters are digits and the letters A-Z without I, O and Q. Position 9 is the
check digit, mandatory for vehicles sold in China (GB 16735): transliterate
letters (A-H = 1-8, J-N = 1-5, P = 7, R = 9, S-Z = 2-9), multiply by the weights
8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2, sum, take the remainder
mod 11; a remainder of 10 is written ``X``. Position 10 is the model-year code,
which never uses U, Z or 0 (nor I, O, Q). A European VIN without a check digit
(``WVWZZZ...``) is therefore refused.

python-stdnum has no VIN module.

>>> validate('lsvau2187n2123456')
'LSVAU2187N2123456'
>>> calc_check_digit('1M8GDM9A?KP042788')
'X'
>>> with_check_digit('LSVAU2180N2123456')
'LSVAU2187N2123456'
>>> validate('WVWZZZ1JZXW000001')
Traceback (most recent call last):
    ...
stdnum.exceptions.InvalidChecksum: check digit (position 9) does not match
"""

from __future__ import annotations

import operator
import re

from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat

from provisioning.documents._text import clean, first_bad, require_length

__all__ = [
    "ALPHABET",
    "TRANSLITERATION",
    "calc_check_digit",
    "compact",
    "format",
    "is_valid",
    "validate",
    "with_check_digit",
]

ALPHABET = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
YEAR_CODES = "123456789ABCDEFGHJKLMNPRSTVWXY"
WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_LETTER_VALUES = (1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9)
TRANSLITERATION = dict(zip(ALPHABET, (*range(10), *_LETTER_VALUES), strict=True))


def compact(number: str) -> str:
    """Normalise: NFKC (full-width input), no spaces or hyphens, upper case."""
    return clean(number)


def calc_check_digit(number: str) -> str:
    """The check digit for a 17-character VIN; position 9 is ignored (weight 0),
    so any placeholder may stand there."""
    number = compact(number)
    require_length(number, 17)
    try:
        total = sum(TRANSLITERATION[char] * weight for char, weight in zip(number, WEIGHTS, strict=True) if weight)
    except KeyError:
        raise InvalidFormat("number contains a character that is not allowed in a VIN") from None
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def with_check_digit(number: str) -> str:
    """``number`` with the correct check digit written into position 9."""
    number = compact(number)
    return number[:8] + calc_check_digit(number) + number[9:]


_VIN = re.compile(f"[{ALPHABET}]{{17}}")


def validate(number: str) -> str:
    """Return the normalised VIN or raise a ``stdnum`` ValidationError."""
    number = compact(number)
    if not _VIN.fullmatch(number):  # the common case (17 allowed characters) in one match
        require_length(number, 17)
        bad = first_bad(number, ALPHABET)
        if bad is not None:
            raise InvalidFormat(f"character {bad} is not allowed (only 0-9 and A-Z without I, O, Q)")
    if number[9] not in YEAR_CODES:
        raise InvalidComponent("position 10 is not a model-year code (U, Z and 0 are never used)")
    if number[8] != _check_digit(number):
        raise InvalidChecksum("check digit (position 9) does not match")
    return number


#: each allowed character's code to its transliterated value (bytes.translate: one C call per VIN)
_VALUES = bytes(TRANSLITERATION.get(chr(code), 0) for code in range(256))


def _check_digit(number: str) -> str:
    """:func:`calc_check_digit` of a compact 17-character VIN of allowed characters."""
    remainder = sum(map(operator.mul, number.encode("ascii").translate(_VALUES), WEIGHTS)) % 11
    return "X" if remainder == 10 else str(remainder)


def is_valid(number: str) -> bool:
    """Whether :func:`validate` accepts ``number``."""
    try:
        return bool(validate(number))
    except ValueError:
        return False


def format(number: str) -> str:
    """The printed form is the compact form."""
    return compact(number)
