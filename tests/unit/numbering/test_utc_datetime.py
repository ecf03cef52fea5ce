"""UtcDateTime on SQLite reads every stored form of a timestamp as an aware UTC datetime."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.dialects import sqlite

from numbering.dbtypes import UtcDateTime

_READ = UtcDateTime().result_processor(sqlite.dialect(), None)
_WRITE = UtcDateTime().bind_processor(sqlite.dialect())


@pytest.mark.parametrize(("stored", "expected"), [
    ("2026-11-30 07:42:20.123456", dt.datetime(2026, 11, 30, 7, 42, 20, 123456, tzinfo=dt.UTC)),  # ours
    ("2026-11-30 07:42:20", dt.datetime(2026, 11, 30, 7, 42, 20, tzinfo=dt.UTC)),  # CURRENT_TIMESTAMP
    ("2026-11-30T07:42:20+08:00", dt.datetime(2026, 11, 29, 23, 42, 20, tzinfo=dt.UTC)),
    ("2026-11-30 07:42:20-05:00", dt.datetime(2026, 11, 30, 12, 42, 20, tzinfo=dt.UTC)),
    ("2026-11-30 07:42:20Z", dt.datetime(2026, 11, 30, 7, 42, 20, tzinfo=dt.UTC)),
    ("2026-11-30", dt.datetime(2026, 11, 30, tzinfo=dt.UTC)),
])
def test_every_stored_form_reads_as_aware_utc(stored: str, expected: dt.datetime) -> None:
    read = _READ(stored)
    assert read == expected
    assert read.utcoffset() == dt.timedelta(0)


def test_what_is_written_reads_back_the_same_instant() -> None:
    moment = dt.datetime(2026, 2, 28, 23, 59, 59, 999999, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert _READ(_WRITE(moment)) == moment
    assert _READ(None) is None
