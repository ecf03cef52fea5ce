"""International Mobile Equipment Identity, exactly 15 digits with a Luhn digit.

TAC (8 digits) + serial (6) + Luhn check digit (1). The number a telematics unit
reports for machine-card binding is the 15-digit IMEI. Refused on purpose:

* 14 digits: the check digit is missing (``stdnum.imei`` accepts this);
* 16 digits: an IMEISV (software version instead of a check digit), not an
  IMEI (``stdnum.imei`` accepts this too);
* all zeros: the placeholder modems report when no IMEI is programmed; binding
  a card to it would bind it to every such modem.

The Luhn arithmetic is ``stdnum.luhn``'s (written out for the 15 digits in :func:`validate`).

>>> validate('35-693803-564380-9')
'356938035643809'
>>> format('356938035643809')
'35-693803-564380-9'
>>> validate('35693803564380')
Traceback (most recent call last):
    ...
stdnum.exceptions.InvalidLength: number has 14 digits: the check digit is missing (15 digits required)
"""

from __future__ import annotations

from stdnum import luhn
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from provisioning.documents._text import clean, first_bad

__all__ = ["calc_check_digit", "compact", "format", "is_valid", "validate"]


def compact(number: str) -> str:
    """Normalise: NFKC (full-width digits), no spaces, hyphens or slashes."""
    return clean(number, " -/")


def calc_check_digit(number: str) -> str:
    """The Luhn check digit for the first 14 digits of ``number``.

    >>> calc_check_digit('35693803564380')
    '9'
    """
    return luhn.calc_check_digit(compact(number)[:14])


def validate(number: str) -> str:
    """Return the 15-digit IMEI or raise a ``stdnum`` ValidationError."""
    number = compact(number)
    if not (number.isascii() and number.isdigit()):
        bad = first_bad(number, "0123456789")
        if bad is not None:
            raise InvalidFormat(f"character {bad} is not a digit")
    if len(number) == 14:
        raise InvalidLength("number has 14 digits: the check digit is missing (15 digits required)")
    if len(number) == 16:
        raise InvalidLength("number has 16 digits: that is an IMEISV, not an IMEI (15 digits required)")
    if len(number) != 15:
        raise InvalidLength(f"number has {len(number)} digits, expected 15")
    if number == "0" * 15:
        raise InvalidComponent("number is the all-zero placeholder, not a device identity")
    if not _luhn_valid(number):
        raise InvalidChecksum("Luhn check digit does not match")
    return number


#: a digit's character code to the digit's value (Luhn's plain positions) and to its
#: value doubled with its digits summed (the doubled positions): bytes.translate tables
_PLAIN = bytes(code - 48 if 48 <= code <= 57 else 0 for code in range(256))
_DOUBLED = bytes((2 * (code - 48)) // 10 + (2 * (code - 48)) % 10 if 48 <= code <= 57 else 0 for code in range(256))


def _luhn_valid(digits: str) -> bool:
    """``luhn.is_valid`` of a string of ASCII digits, in C calls (no Python step per digit)."""
    codes = digits.encode("ascii")
    return (sum(codes[-1::-2].translate(_PLAIN)) + sum(codes[-2::-2].translate(_DOUBLED))) % 10 == 0


def is_valid(number: str) -> bool:
    """Whether :func:`validate` accepts ``number``."""
    try:
        return bool(validate(number))
    except ValueError:
        return False


def format(number: str) -> str:
    """TAC-serial grouping ``AA-BBBBBB-CCCCCC-D`` of a valid IMEI."""
    number = validate(number)
    return "-".join((number[:2], number[2:8], number[8:14], number[14]))
