"""China time (UTC+8, no daylight saving): the calendar the rules are written in (a
holder's age, a document's expiry, the back-registration deadline, a roster's date,
"today" in reports). Timestamps are stored in UTC; dates a person names are China dates.

>>> CHINA.utcoffset(None)
datetime.timedelta(seconds=28800)
>>> china_date(dt.datetime(2026, 11, 30, 17, 0, tzinfo=dt.UTC))
datetime.date(2026, 12, 1)
"""

from __future__ import annotations

import datetime as dt

CHINA = dt.timezone(dt.timedelta(hours=8), "CST")


def china_now() -> dt.datetime:
    return dt.datetime.now(CHINA)


def china_today() -> dt.date:
    return china_now().date()


def china_date(moment: dt.datetime) -> dt.date:
    """The China calendar date of an aware moment."""
    return moment.astimezone(CHINA).date()
