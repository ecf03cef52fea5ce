"""Bulk ICCID/IMSI generation agrees with numbering's definitions (property tests)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from numbering.identifiers import iccid, imsi
from numbering.identifiers.bulk import iccids, imsis
from numbering.identifiers.carriers import PROFILES

profiles = st.sampled_from(sorted(PROFILES))


@settings(max_examples=200, deadline=None)
@given(profiles, st.integers(0, iccid.SERIAL_LIMIT - 30_000), st.integers(1, 25_000))
def test_iccids_equal_from_serial(name: str, first: int, count: int) -> None:
    p = PROFILES[name]
    got = iccids(p, first, count)
    assert len(got) == count
    for k in {0, count // 3, count // 2, count - 1, min(9_999, count - 1)}:
        assert got[k] == iccid.from_serial(p, first + k)
        assert iccid.validate(got[k], strict=True) == got[k]


@settings(max_examples=50, deadline=None)
@given(profiles, st.integers(0, imsi.SERIAL_LIMIT - 1000), st.integers(1, 1000))
def test_imsis_equal_from_serial(name: str, first: int, count: int) -> None:
    p = PROFILES[name]
    assert imsis(p, first, count) == [imsi.from_serial(p, first + k) for k in range(count)]


def test_empty_runs() -> None:
    assert iccids(PROFILES["china-mobile"], 5, 0) == [] == imsis(PROFILES["china-mobile"], 5, 0)
