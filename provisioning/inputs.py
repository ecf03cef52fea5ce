"""What every input schema accepts, so that both storage backends store the same values.

PostgreSQL text cannot hold NUL (U+0000) and its UTF-8 encoder refuses unpaired
surrogates; SQLite stores both. A value either backend would refuse is refused here,
at the edge, as a schema error naming its field, so an odd value never reaches a
write (where it would fail a whole group commit) and both backends answer alike.

Integers that name rows are bounded by the narrowest column that holds them
(PostgreSQL ``INTEGER``: 2^31 - 1), for the same reason.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

#: the largest value of an ``INTEGER`` column on PostgreSQL (int4); ids are at most this
MAX_INT32 = 2**31 - 1
#: the largest value of a ``BIGINT`` column on either backend
MAX_INT64 = 2**63 - 1

#: a row id held in an INTEGER column (enterprises, segments, blocks, pools, prefixes...)
RowId = Annotated[int, Field(ge=1, le=MAX_INT32)]


def unstorable(text: str) -> str | None:
    """Why ``text`` cannot be stored on every backend, or None when it can.

    >>> unstorable("张三") is None
    True
    >>> unstorable("a\\x00b")
    'must not contain NUL (U+0000)'
    >>> unstorable("\\ud800")
    'must not contain an unpaired surrogate (U+D800..U+DFFF)'
    """
    if "\x00" in text:
        return "must not contain NUL (U+0000)"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "must not contain an unpaired surrogate (U+D800..U+DFFF)"
    return None


def check_storable(value: Any) -> Any:
    """``value`` unchanged if every string in it (nested lists and dicts, keys too) is
    storable; else ValueError with the reason (pydantic reports it with the field)."""
    if isinstance(value, str):
        problem = unstorable(value)
        if problem:
            raise ValueError(problem)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_storable(key)
            check_storable(item)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            check_storable(item)
    return value


class Input(BaseModel):
    """Base of every request body and query schema: unknown fields are errors, and every
    string must be storable on both backends."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        return check_storable(value)
