"""Foreign passport number (外国公民护照), as printed on the data page.

ICAO Doc 9303 gives the document number nine characters in the machine-readable
zone (letters, digits, ``<`` filler) and lets longer numbers overflow into the
optional-data field, so the printed number can be longer than nine. Issuing
states use their own layouts (``E12345678``, ``C01X00T47``, 9 digits, ...),
and there is no check digit outside the MRZ. The rule here:

* 5 to 20 characters, letters A-Z and digits only, after NFKC, upper-casing and
  removing spaces (``<`` filler is not part of the number and is refused);
* at least one digit (no issuing state uses letter-only numbers; a name typed
  into the number field is caught);
* not one character repeated (``00000000``, ``AAAAAA`` are placeholders).

>>> validate('e 1234 5678')
'E12345678'
>>> validate('00000000')
Traceback (most recent call last):
    ...
stdnum.exceptions.InvalidComponent: number is one character repeated, a placeholder rather than a number
"""

from __future__ import annotations

from stdnum.exceptions import InvalidLength

from provisioning.documents._text import check_serial, clean

__all__ = ["MAX_LENGTH", "MIN_LENGTH", "compact", "is_valid", "validate"]

MIN_LENGTH, MAX_LENGTH = 5, 20


def compact(number: str) -> str:
    """Normalise: NFKC (full-width input), no spaces, upper case."""
    return clean(number, " ")


def validate(number: str) -> str:
    """Return the normalised number or raise a ``stdnum`` ValidationError."""
    number = compact(number)
    if not MIN_LENGTH <= len(number) <= MAX_LENGTH:
        raise InvalidLength(f"number has {len(number)} characters, expected {MIN_LENGTH} to {MAX_LENGTH}")
    return check_serial(number)


def is_valid(number: str) -> bool:
    """Whether :func:`validate` accepts ``number``."""
    try:
        return bool(validate(number))
    except ValueError:
        return False
