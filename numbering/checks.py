"""Argument checks shared by the domain functions: precise Invalid errors, nothing written."""

from __future__ import annotations

from numbering.errors import Invalid


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
