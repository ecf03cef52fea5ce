"""Unified Social Credit Code (统一社会信用代码, GB 32100-2015), 18 characters.

Layout: registration authority (1), entity type (2), administrative region of
the registering authority (3-8, digits), organisation code (9-17), check
character (18). Every character comes from ``0-9A-HJ-NPQRTUWXY`` (no I, O, S,
V, Z). The check character is ``31 - (sum of value * weight mod 31)`` with
weights 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28.

Rules enforced beyond the checksum: the authority code is 1-9, A (military
reform and establishment office), N (agriculture) or Y (other); the entity type
is a digit 1-9; the region is six digits. The organisation code's own
GB 11714 check character is not verified (codes for some entity types, such as
individual businesses, do not carry one).

We do not use ``stdnum.cn.uscc``: it requires the first eight characters to be
digits, so it rejects every valid code issued by authorities A, N and Y.

>>> validate('91110000600037341L')
'91110000600037341L'
>>> validate('N2330106MA2HJ5CR81')
'N2330106MA2HJ5CR81'
>>> calc_check_digit('91110000600037341')
'L'
>>> validate('91110000600037341M')
Traceback (most recent call last):
    ...
stdnum.exceptions.InvalidChecksum: check character does not match the first 17 characters
"""

from __future__ import annotations

from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from provisioning.documents._text import clean, first_bad, require_length

__all__ = ["ALPHABET", "calc_check_digit", "compact", "format", "is_valid", "validate"]

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
AUTHORITIES = "123456789ANY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUES = {char: value for value, char in enumerate(ALPHABET)}


def compact(number: str) -> str:
    """Normalise: NFKC (full-width input), no spaces or hyphens, upper case.

    >>> compact('9111 0000 6000 3734-1l')
    '91110000600037341L'
    """
    return clean(number)


def calc_check_digit(number: str) -> str:
    """The check character for the first 17 characters of ``number``."""
    number = compact(number)
    if len(number) < 17:
        raise InvalidLength(f"number has {len(number)} characters, at least 17 are needed")
    try:
        total = sum(_VALUES[char] * weight for char, weight in zip(number[:17], WEIGHTS, strict=True))
    except KeyError:
        raise InvalidFormat("number contains a character that is not allowed in a USCC") from None
    return ALPHABET[(31 - total % 31) % 31]


def validate(number: str) -> str:
    """Return the normalised code or raise a ``stdnum`` ValidationError."""
    number = compact(number)
    require_length(number, 18)
    bad = first_bad(number, ALPHABET)
    if bad is not None:
        raise InvalidFormat(f"character {bad} is not allowed (only 0-9 and A-Z without I, O, S, V, Z)")
    if number[0] not in AUTHORITIES:
        raise InvalidComponent("character 1 (registration authority) is not 1-9, A, N or Y")
    if number[1] not in "123456789":
        raise InvalidComponent("character 2 (entity type) is not a digit 1-9")
    bad = first_bad(number[2:8], "0123456789")
    if bad is not None:
        raise InvalidFormat(f"character {bad + 2} (region code) is not a digit")
    if number[17] != calc_check_digit(number):
        raise InvalidChecksum("check character does not match the first 17 characters")
    return number


def is_valid(number: str) -> bool:
    """Whether :func:`validate` accepts ``number``."""
    try:
        return bool(validate(number))
    except ValueError:
        return False


def format(number: str) -> str:
    """The printed form is the compact form."""
    return compact(number)
