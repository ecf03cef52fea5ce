"""Dates and times given as filters, read one way by the API and the CLI.

A value is a date (``2026-03-01``), a datetime with an offset (``2026-03-01T08:00:00Z``,
``...+08:00``) or a naive datetime, which is China time (UTC+8), the carrier's civil
time. A date stands for the whole day in China, so a filter turns it into one of three
instants: the day's first (``start``), the first after it (``after``, for an exclusive
upper bound) or its last (``as_of``, "as it stood on that day").

Every instant is aware UTC within Python's years 1..9999, which every backend stores. A
value whose instant falls outside (``0001-01-01T00:00:00+14:00`` in UTC, the day after
``9999-12-31``) is a ``ValueError``, as is a malformed one, so an API answers 422 naming
its parameter and the CLI one line, never a failure further in.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema

from numbering.clock import CHINA

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ONE_DAY = dt.timedelta(days=1)
_TICK = dt.timedelta(microseconds=1)

When = dt.date | dt.datetime


def parse(text: str) -> When:
    """A date or a datetime (ISO 8601), as written.

    >>> parse("2026-03-01")
    datetime.date(2026, 3, 1)
    >>> parse("2026-03-01T08:00:00Z")
    datetime.datetime(2026, 3, 1, 8, 0, tzinfo=datetime.timezone.utc)
    """
    text = text.strip()
    try:
        if _DATE.fullmatch(text):
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD) or a datetime (YYYY-MM-DDTHH:MM:SS, "
                         "optionally with an offset such as Z or +08:00)") from None


def _utc(value: dt.datetime) -> dt.datetime:
    try:
        return (value if value.tzinfo else value.replace(tzinfo=CHINA)).astimezone(dt.UTC)
    except OverflowError:
        raise ValueError(f"{value.isoformat()} is out of range (years 1 to 9999 in UTC)") from None


def _midnight(day: dt.date, days: int = 0) -> dt.datetime:
    try:
        return _utc(dt.datetime.combine(day + days * _ONE_DAY, dt.time()))
    except OverflowError:
        raise ValueError(f"{day.isoformat()} is out of range (its day must end before the year 10000)") from None


def start(value: When) -> dt.datetime:
    """The first instant ``value`` covers: a date's midnight in China, a datetime itself.

    >>> start(dt.date(2026, 3, 1)).isoformat()
    '2026-02-28T16:00:00+00:00'
    """
    return _utc(value) if isinstance(value, dt.datetime) else _midnight(value)


def after(value: When) -> dt.datetime:
    """The first instant after ``value``: the next midnight for a date (the whole day is
    included), the datetime itself otherwise (an exclusive bound).

    >>> after(dt.date(2026, 3, 1)).isoformat()
    '2026-03-01T16:00:00+00:00'
    """
    return _utc(value) if isinstance(value, dt.datetime) else _midnight(value, days=1)


def as_of(value: When) -> dt.datetime:
    """The instant "as it stood on ``value``": a date's last microsecond in China.

    >>> as_of(dt.date(2026, 3, 1)).isoformat()
    '2026-03-01T15:59:59.999999+00:00'
    >>> as_of(dt.date(9999, 12, 31))
    Traceback (most recent call last):
    ...
    ValueError: 9999-12-31 is out of range (its day must end before the year 10000)
    """
    return _utc(value) if isinstance(value, dt.datetime) else _midnight(value, days=1) - _TICK


def reader(instant: Callable[[When], dt.datetime]) -> Callable[[Any], Any]:
    """``instant`` applied to a string (parsed first), a date or a datetime; anything
    else is passed on for pydantic to refuse."""

    def read(value: Any) -> Any:
        if isinstance(value, str):
            value = parse(value)
        return instant(value) if isinstance(value, dt.date) else value

    return read


#: how a filter value is read, for the API's documentation
READING = ("a date (the whole day in China time), a datetime with an offset, or a datetime without one, read as "
           "China time (UTC+8); a value outside years 1..9999 in UTC is refused (422)")
_SCHEMA = {"type": "string", "examples": ["2026-03-01", "2026-03-01T08:00:00+08:00"], "description": READING}


def _field(instant: Callable[[When], dt.datetime]) -> Any:
    return Annotated[dt.datetime, BeforeValidator(reader(instant)), WithJsonSchema(_SCHEMA)]


#: a lower bound (entries at or after): a date from its first instant in China
Since = _field(start)
#: an exclusive upper bound (entries before): a date includes that whole day
Until = _field(after)
#: a moment to look back at: a date means the end of that day in China
AsOf = _field(as_of)
