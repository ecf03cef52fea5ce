"""Military and armed police identity documents (军人身份证件, 武警身份证件).

There is no public national number format: officer, civilian-staff and soldier
certificates of the army and the armed police each print their own. Two shapes
are accepted, loose enough for real cards and strict enough to stop junk:

* the certificate form: 1-4 Chinese characters (the issuing-system prefix, e.g.
  南, 政, 武), then 字第, then 4-10 digits, optionally closed by 号; normalised to
  always end in 号 (``南字第20230001号``);
* a card number: 6-12 letters A-Z and digits, with at least one digit and not
  one character repeated.

Both ``MILITARY_ID`` and ``ARMED_POLICE_ID`` use this module.

>>> validate(' 南字第 2023 0001 ')
'南字第20230001号'
>>> validate('wj1234567')
'WJ1234567'
>>> validate('军字第号')
Traceback (most recent call last):
    ...
stdnum.exceptions.InvalidFormat: after 字第 expected 4-10 digits
"""

from __future__ import annotations

import string

from stdnum.exceptions import InvalidFormat, InvalidLength

from provisioning.documents._text import check_serial, clean, first_bad, is_han

__all__ = ["compact", "is_valid", "validate"]

_MARKER = "字第"


def compact(number: str) -> str:
    """Normalise: NFKC, no spaces or hyphens, Latin letters upper case."""
    return clean(number)


def _certificate(number: str) -> str:
    prefix, _, rest = number.partition(_MARKER)
    if not 1 <= len(prefix) <= 4 or not all(is_han(char) for char in prefix):
        raise InvalidFormat("before 字第 expected 1-4 Chinese characters")
    digits = rest.removesuffix("号")
    if not 4 <= len(digits) <= 10 or first_bad(digits, string.digits) is not None:
        raise InvalidFormat("after 字第 expected 4-10 digits")
    return f"{prefix}{_MARKER}{digits}号"


def validate(number: str) -> str:
    """Return the normalised number or raise a ``stdnum`` ValidationError."""
    number = compact(number)
    if _MARKER in number:
        return _certificate(number)
    if not 6 <= len(number) <= 12:
        raise InvalidLength(f"number has {len(number)} characters, expected 6 to 12 (or the 某字第…号 form)")
    return check_serial(number)


def is_valid(number: str) -> bool:
    """Whether :func:`validate` accepts ``number``."""
    try:
        return bool(validate(number))
    except ValueError:
        return False
