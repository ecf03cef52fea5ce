"""Argument checks shared by the domain functions: precise Invalid errors, nothing written."""

from __future__ import annotations

from numbering.errors import Invalid


def positive(value: object, field: str) -> int:
    """``value`` if it is an int >= 1 (bool is not an int here)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise Invalid(f"{field.replace('_', ' ')} must be a positive integer, not {value!r}", field=field)
    return value
