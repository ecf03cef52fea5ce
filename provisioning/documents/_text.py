"""Text helpers shared by the document modules (not public API).

Every number is read through :func:`clean`: NFKC first, so full-width digits and
letters typed on Chinese keyboards (``１１０１０５…``, ``ｘ``) become ASCII, then the
separators people add (spaces, hyphens) are dropped and letters upper-cased.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from stdnum.exceptions import InvalidComponent, InvalidFormat, InvalidLength

#: Longest raw input any validator looks at; longer input is rejected before any
#: normalisation work (a cheap guard against megabyte "numbers").
MAX_INPUT = 64

# Han ideographs: the unified blocks and extensions A-I, compatibility ideographs,
# and U+3007 (〇). Listed explicitly because Python's ``re`` has no script classes
# and the newest extensions are unassigned in older Unicode databases.
_HAN_RANGES = (
    (0x3007, 0x3007),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x2A6DF),
    (0x2A700, 0x2EE5F),
    (0x30000, 0x323AF),
)


#: one Han ideograph (a character class built from ``_HAN_RANGES``)
HAN_CLASS = "".join(f"{chr(low)}-{chr(high)}" if low != high else chr(low) for low, high in _HAN_RANGES)
_HAN = re.compile(f"[{HAN_CLASS}]")


def is_han(char: str) -> bool:
    """Whether ``char`` is a Chinese (Han) ideograph.

    >>> is_han('张'), is_han('𠀀'), is_han('A'), is_han('·')
    (True, True, False, False)
    """
    return _HAN.fullmatch(char) is not None


def has_han(text: str) -> bool:
    """Whether any character of ``text`` is a Han ideograph (one regex scan, not a call per character).

    >>> has_han('Li 李'), has_han('John')
    (True, False)
    """
    return _HAN.search(text) is not None


def normalise_text(text: str) -> str:
    """NFKC, surrounding whitespace dropped: the form a document number, USCC or other
    identity string is stored, indexed and checked in (never raises; idempotent).

    >>> normalise_text(' ９１３５０１００Ｍ０００１００Ｙ４３ ')
    '91350100M000100Y43'
    """
    return unicodedata.normalize("NFKC", text).strip()


@functools.cache
def _no_alnum(separators: str) -> bool:
    return not any(c.isalnum() for c in separators)


def clean(number: object, separators: str = " -") -> str:
    """NFKC-normalise, drop ``separators`` and surrounding space, upper-case ASCII.

    >>> clean('１１０ １０５-ｘ')
    '110105X'
    """
    if not isinstance(number, str):
        raise InvalidFormat("number must be a string")
    if len(number) > MAX_INPUT:
        raise InvalidFormat(f"number is longer than {MAX_INPUT} characters")
    if number.isascii() and number.isalnum() and _no_alnum(separators):
        return number.upper()  # already normal (the common case): nothing to drop or fold
    text = unicodedata.normalize("NFKC", number)
    # Upper-case ASCII only: str.upper() would turn look-alikes such as dotless
    # ı or long ſ into I and S and let them pass as ASCII.
    return "".join(c.upper() if c.isascii() else c for c in text if c not in separators).strip()


def require_length(number: str, *lengths: int) -> None:
    """Raise InvalidLength naming the count found and the counts allowed."""
    if len(number) not in lengths:
        allowed = " or ".join(str(n) for n in lengths)
        raise InvalidLength(f"number has {len(number)} characters, expected {allowed}")


def first_bad(number: str, allowed: str) -> int | None:
    """1-based position of the first character not in ``allowed``, or None.

    >>> first_bad('12A4', '0123456789'), first_bad('1234', '0123456789')
    (3, None)
    """
    for position, char in enumerate(number, 1):
        if char not in allowed:
            return position
    return None


_UPPER_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def check_serial(number: str) -> str:
    """A document serial of letters and digits: at least one digit, not one character
    repeated (a placeholder like ``000000`` or ``XXXXXX`` rather than a number)."""
    bad = first_bad(number, _UPPER_ALNUM)
    if bad is not None:
        raise InvalidFormat(f"character {bad} is not a letter A-Z or a digit")
    if not any(char.isdigit() for char in number):
        raise InvalidFormat("number has no digit")
    if len(set(number)) == 1:
        raise InvalidComponent("number is one character repeated, a placeholder rather than a number")
    return number
