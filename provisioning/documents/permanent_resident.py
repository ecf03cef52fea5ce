"""Foreign permanent resident ID (外国人永久居留身份证), both number formats.

* 2023 format (issued since 2023-12-01): 18 characters on the GB 11643 pattern:
  ``9``, the 2-digit province code of the accepting authority, a 3-digit numeric
  nationality code, the YYYYMMDD birth date, a 3-digit sequence and the
  ISO 7064 MOD 11-2 check character (:mod:`.gb11643` rules apply).
* Earlier format (2004 and 2017 cards, still valid until they expire): 15
  characters, a 3-letter nationality code and 12 digits. No published check
  character and no birth date we can rely on, so only the shape is checked and
  :func:`birth_date` returns None for it.

The new format lives here rather than in :mod:`.resident_id` because it belongs
to a different ``id_type`` and because it shares the document with the old one.

>>> validate('911840198001010013')
'911840198001010013'
>>> validate('usa310180012050')
'USA310180012050'
>>> birth_date('911840198001010013')
datetime.date(1980, 1, 1)
>>> birth_date('USA310180012050') is None
True
"""

from __future__ import annotations

import datetime
import string

from stdnum.exceptions import InvalidComponent, InvalidFormat

from provisioning.documents import gb11643
from provisioning.documents._text import clean, first_bad
from provisioning.documents.gb11643 import DIGITS, MAINLAND_PROVINCES, calc_check_digit

__all__ = ["birth_date", "calc_check_digit", "compact", "is_new_format", "is_valid", "validate"]


def compact(number: str) -> str:
    """Normalise: NFKC, no spaces or hyphens, upper case."""
    return clean(number)


def is_new_format(number: str) -> bool:
    """Whether ``number`` has the shape of the 2023 18-character format."""
    number = compact(number)
    return len(number) == 18 and number[0] == "9"


def _validate_old(number: str) -> str:
    bad = first_bad(number[:3], string.ascii_uppercase)
    if bad is not None:
        raise InvalidFormat(f"character {bad} is not a letter (15-character cards start with 3 letters)")
    bad = first_bad(number[3:], DIGITS)
    if bad is not None:
        raise InvalidFormat(f"character {bad + 3} is not a digit (15-character cards end with 12 digits)")
    return number


def validate(number: str, *, today: datetime.date | None = None) -> str:
    """Return the normalised number or raise a ``stdnum`` ValidationError."""
    number = compact(number)
    if len(number) == 15:
        return _validate_old(number)
    number = gb11643.validate(number, today=today)
    if number[0] != "9":
        raise InvalidComponent("18-character permanent resident numbers start with 9")
    if number[1:3] not in MAINLAND_PROVINCES:
        raise InvalidComponent("characters 2-3 are not a province code")
    return number


def is_valid(number: str, *, today: datetime.date | None = None) -> bool:
    """Whether :func:`validate` accepts ``number``."""
    try:
        return bool(validate(number, today=today))
    except ValueError:
        return False


def birth_date(number: str) -> datetime.date | None:
    """The birth date of a 2023-format number; None for the 15-character format."""
    return gb11643.birth_date(number) if is_new_format(number) else None
