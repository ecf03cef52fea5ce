"""IMSI: 15 digits, MCC 460 + the carrier's two-digit MNC + a 10-digit MSIN.

python-stdnum checks the digits and the MCC; the Chinese MNCs come from our carrier
table (stdnum lists 46004 as a satellite operator, but China Mobile's IoT cards use
it), and we insist on 15 digits where stdnum also accepts 14.

>>> validate('460 04 1234567890')
'460041234567890'
>>> validate('46004123456789')
Traceback (most recent call last):
    ...
stdnum.exceptions.InvalidLength: 46004123456789 has 14 digits; an IMSI has 15
>>> validate('460011234567890', carrier='china-mobile')
Traceback (most recent call last):
    ...
stdnum.exceptions.InvalidComponent: 460011234567890 has MNC 01 of China Unicom, not China Mobile
>>> split('460111234567890')
('460', '11', '1234567890')
"""

from __future__ import annotations

from stdnum import imsi as std_imsi
from stdnum.exceptions import InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from stdnum.util import clean, isdigits

from numbering.identifiers.carriers import MCC, PROFILES, CarrierProfile, carrier_for_mnc, profile_for

LENGTH = 15
MSIN_DIGITS = 10
SERIAL_LIMIT = 10**MSIN_DIGITS


def compact(number: str) -> str:
    return clean(number, " -").strip()


def validate(number: str, carrier: str | None = None) -> str:
    """The compact IMSI if it is a 15-digit Chinese IMSI (of ``carrier``, if given)."""
    number = compact(number)
    if not isdigits(number):
        raise InvalidFormat(f"{number!r} is not all digits")
    if len(number) != LENGTH:
        raise InvalidLength(f"{number} has {len(number)} digits; an IMSI has {LENGTH}")
    std_imsi.validate(number)
    if not number.startswith(MCC):
        raise InvalidComponent(f"{number} has MCC {number[:3]}, not {MCC} (China)")
    mnc = number[3:5]
    owner = carrier_for_mnc(mnc)
    if owner is None:
        raise InvalidComponent(f"{number} has MNC {mnc}, which no Chinese carrier in our table uses")
    if carrier is not None and owner != carrier:
        raise InvalidComponent(f"{number} has MNC {mnc} of {PROFILES[owner].name}, not {profile_for(carrier).name}")
    return number


def is_valid(number: str, carrier: str | None = None) -> bool:
    try:
        return bool(validate(number, carrier))
    except ValidationError:
        return False


def split(number: str) -> tuple[str, str, str]:
    """(MCC, MNC, MSIN) of a valid IMSI."""
    number = validate(number)
    return number[:3], number[3:5], number[5:]


def carrier_of(number: str) -> str | None:
    return carrier_for_mnc(split(number)[1]) if is_valid(number) else None


def format(number: str) -> str:
    """``460 04 1234567890``."""
    return " ".join(split(number))


def from_serial(profile: CarrierProfile, serial: int) -> str:
    """The IMSI for ``serial``: MCC, the profile's default MNC, serial as the MSIN.

    >>> from numbering.identifiers.carriers import PROFILES
    >>> from_serial(PROFILES['china-mobile'], 7)
    '460040000000007'
    """
    if not 0 <= serial < SERIAL_LIMIT:
        raise ValueError(f"IMSI serial {serial} is outside 0..{SERIAL_LIMIT - 1}")
    return f"{profile.mcc}{profile.default_mnc}{serial:0{MSIN_DIGITS}d}"
