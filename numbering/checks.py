"""Argument checks shared by the domain functions: precise Invalid errors, nothing written."""

from __future__ import annotations

import re

from numbering.errors import Invalid

_APN = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")


def check_apn(apn: object) -> str:
    """An APN network identifier, lowercased: dot-separated DNS labels (letters, digits,
    inner hyphens), 1 to 63 characters in all. The one rule for pools and enterprises.

    >>> check_apn(" IoV.Carrier ")
    'iov.carrier'
    """
    text = apn.strip().lower() if isinstance(apn, str) else ""
    if not 1 <= len(text) <= 63 or not _APN.match(text):
        raise Invalid(f"{str(apn)[:80]!r} is not an APN (dot-separated labels of letters, digits and hyphens, "
                      "at most 63 characters)", field="apn")
    return text


def positive(value: object, field: str) -> int:
    """``value`` if it is an int >= 1 (bool is not an int here)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise Invalid(f"{field.replace('_', ' ')} must be a positive integer, not {value!r}", field=field)
    return value


def label(value: str, limit: int = 200) -> str:
    """A free-text note of at most ``limit`` characters."""
    if not isinstance(value, str) or len(value) > limit:
        raise Invalid(f"label must be text of at most {limit} characters", field="label")
    return value
