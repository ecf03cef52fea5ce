"""Mainland travel permit for Hong Kong and Macao residents (港澳居民来往内地通行证).

``H`` (Hong Kong) or ``M`` (Macao) followed by the 8-digit lifelong number, and
on some cards 2 more digits counting the times the permit was issued. Both the
9- and the 11-character forms are accepted and kept as given; :func:`lifelong`
gives the 9-character identity that stays the same across renewals.

>>> validate('h12345678')
'H12345678'
>>> validate('M1234567801')
'M1234567801'
>>> lifelong('H1234567802')
'H12345678'
"""

from __future__ import annotations

from stdnum.exceptions import InvalidFormat

from provisioning.documents._text import clean, first_bad, require_length

__all__ = ["compact", "is_valid", "lifelong", "validate"]


def compact(number: str) -> str:
    """Normalise: NFKC (full-width input), no spaces or hyphens, upper case."""
    return clean(number)


def validate(number: str) -> str:
    """Return the normalised number or raise a ``stdnum`` ValidationError."""
    number = compact(number)
    require_length(number, 9, 11)
    if number[0] not in "HM":
        raise InvalidFormat("number does not start with H (Hong Kong) or M (Macao)")
    bad = first_bad(number[1:], "0123456789")
    if bad is not None:
        raise InvalidFormat(f"character {bad + 1} is not a digit")
    return number


def is_valid(number: str) -> bool:
    """Whether :func:`validate` accepts ``number``."""
    try:
        return bool(validate(number))
    except ValueError:
        return False


def lifelong(number: str) -> str:
    """The letter and 8-digit lifelong number, without the issue count."""
    return validate(number)[:9]
