"""ICCID: the card's serial number, 19 or 20 characters, ``89`` ``86`` + issuer + ... + Luhn.

Chinese ICCIDs start with ``89`` (telecom) ``86`` (China) and a two-digit issuer code
(China Mobile 00/02/04/07, China Unicom 01/06/09, China Telecom 03/11). Real cards
can carry letters after the issuer code (``898600B5...``), so as *input* letters are
accepted and the Luhn digit is a soft check: :func:`validate` only insists on it with
``strict=True``. Cards this system issues always carry a valid Luhn digit
(:func:`from_serial`).

>>> validate('8986 0400 0000 0000 0015')
'89860400000000000015'
>>> validate('898600B5191234567890')
'898600B5191234567890'
>>> luhn_ok('898600B5191234567890') is None
True
>>> validate('89860400000000000017', strict=True)
Traceback (most recent call last):
    ...
stdnum.exceptions.InvalidChecksum: 89860400000000000017 fails the Luhn check (the last digit should be 5)
>>> carrier_of('89861100000000000016')
'china-telecom'
>>> format('89860400000000000015')
'8986 0400 0000 0000 0015'
"""

from __future__ import annotations

import re

from stdnum import luhn
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from stdnum.util import clean, isdigits

from numbering.identifiers.carriers import CarrierProfile, carrier_for_iccid_issuer

PREFIX = "8986"
LENGTHS = (19, 20)
#: digits of the serial part of the ICCIDs we issue: 20 = 6 (8986 + issuer) + 13 + 1 (Luhn)
SERIAL_DIGITS = 13
SERIAL_LIMIT = 10**SERIAL_DIGITS
_CHARS = re.compile(r"^[0-9A-Z]+$")


def compact(number: str) -> str:
    """Without spaces or hyphens, letters upper case."""
    return clean(number, " -").strip().upper()


def validate(number: str, strict: bool = False) -> str:
    """The compact ICCID if it is a plausible Chinese ICCID.

    ``strict`` also requires all digits and a valid Luhn check digit (what we issue).
    """
    number = compact(number)
    if not _CHARS.match(number):
        raise InvalidFormat(f"{number!r} has characters other than digits and letters")
    if len(number) not in LENGTHS:
        raise InvalidLength(f"{number} has {len(number)} characters; an ICCID has 19 or 20")
    if not number.startswith("89"):
        raise InvalidComponent(f"{number} does not start with 89 (telecommunications)")
    if not number.startswith(PREFIX):
        raise InvalidComponent(f"{number} has country code {number[2:4]}, not 86 (China)")
    if not isdigits(number[4:6]):
        raise InvalidComponent(f"{number} has issuer code {number[4:6]!r}; it must be two digits")
    if strict:
        if not isdigits(number):
            raise InvalidFormat(f"{number} has letters; issued ICCIDs are all digits")
        if not luhn.is_valid(number):
            expected = luhn.calc_check_digit(number[:-1])
            raise InvalidChecksum(f"{number} fails the Luhn check (the last digit should be {expected})")
    return number


def is_valid(number: str, strict: bool = False) -> bool:
    try:
        return bool(validate(number, strict))
    except ValidationError:
        return False


def luhn_ok(number: str) -> bool | None:
    """True/False for an all-digit ICCID; None when letters make the Luhn check meaningless."""
    number = compact(number)
    return luhn.is_valid(number) if isdigits(number) else None


def issuer(number: str) -> str:
    """The two-digit issuer code after 8986."""
    return validate(number)[4:6]


def carrier_of(number: str) -> str | None:
    """The carrier key of the issuer code, or None for an issuer we do not know."""
    return carrier_for_iccid_issuer(issuer(number))


def format(number: str) -> str:
    """Groups of four characters."""
    number = compact(number)
    return " ".join(number[i:i + 4] for i in range(0, len(number), 4))


def from_serial(profile: CarrierProfile, serial: int) -> str:
    """The 20-digit ICCID for ``serial`` under the profile's issuer code, Luhn digit included.

    >>> from numbering.identifiers.carriers import PROFILES
    >>> from_serial(PROFILES['china-unicom'], 42)
    '89860600000000000427'
    """
    if not 0 <= serial < SERIAL_LIMIT:
        raise ValueError(f"ICCID serial {serial} is outside 0..{SERIAL_LIMIT - 1}")
    body = f"{PREFIX}{profile.default_iccid_issuer}{serial:0{SERIAL_DIGITS}d}"
    return body + luhn.calc_check_digit(body)
