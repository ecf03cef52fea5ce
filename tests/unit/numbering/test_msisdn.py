"""IoT MSISDN rules, one test per rule of docs/domain.md#numbers."""

from __future__ import annotations

import pytest
from stdnum.exceptions import InvalidComponent, InvalidFormat, InvalidLength, ValidationError

from numbering.identifiers import msisdn
from numbering.identifiers.carriers import PROFILES, RESERVED_MSISDN_PREFIXES


@pytest.mark.parametrize("raw", ["1440123456789", "1440 1234 56789", "+86 1440-1234-56789",
                                 "0086 1440123456789", "861440123456789"])
def test_compact_strips_separators_and_country_code(raw: str) -> None:
    assert msisdn.validate(raw) == "1440123456789"


@pytest.mark.parametrize(("number", "carrier"), [
    ("1440000000000", "china-mobile"), ("1441999999999", "china-mobile"), ("1480000000000", "china-mobile"),
    ("1489999999999", "china-mobile"), ("1460000000000", "china-unicom"), ("1469999999999", "china-unicom"),
    ("1410000000000", "china-telecom"), ("1410999999999", "china-telecom"),
])
def test_each_carriers_iot_prefixes_are_valid_and_attributed(number: str, carrier: str) -> None:
    assert msisdn.validate(number, carrier) == number
    assert msisdn.carrier_of(number) == carrier
    others = [k for k in PROFILES if k != carrier]
    for other in others:
        with pytest.raises(InvalidComponent, match=f"not {PROFILES[other].name}"):
            msisdn.validate(number, other)


@pytest.mark.parametrize("prefix", RESERVED_MSISDN_PREFIXES)
def test_reserved_prefixes_are_refused_by_name(prefix: str) -> None:
    number = prefix.ljust(13, "5")
    with pytest.raises(InvalidComponent, match=f"reserved IoT prefix {prefix}$"):
        msisdn.validate(number)
    assert msisdn.carrier_of(number) is None


def test_reserved_list_matches_the_domain_text() -> None:
    assert set(RESERVED_MSISDN_PREFIXES) == {"140", "142", "143", *(f"141{d}" for d in range(1, 10)),
                                             *(f"144{d}" for d in range(2, 10))}


@pytest.mark.parametrize("number", ["1450000000000", "1470000000000", "1490000000000", "1380000000000"])
def test_other_prefixes_are_not_iot_numbers(number: str) -> None:
    with pytest.raises(InvalidComponent, match="not in a dedicated IoT prefix"):
        msisdn.validate(number)


@pytest.mark.parametrize(("number", "error"), [
    ("144012345678", InvalidLength), ("14401234567890", InvalidLength), ("13800138000", InvalidLength),
    ("1440l23456789", InvalidFormat), ("", InvalidFormat),
])
def test_length_and_format(number: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        msisdn.validate(number)
    assert not msisdn.is_valid(number)


def test_errors_are_value_errors() -> None:
    assert issubclass(ValidationError, ValueError)
    with pytest.raises(ValueError):
        msisdn.validate("x")


def test_format_groups_segment_then_four_and_four() -> None:
    assert msisdn.format("1440123456789") == "14401 2345 6789"
    assert msisdn.format("1440123456789", international=True) == "+86 14401 2345 6789"


def test_prefix_ranges_are_merged_per_carrier() -> None:
    assert msisdn.prefix_ranges("china-unicom") == [(1460000000000, 1469999999999)]
    assert msisdn.prefix_ranges("china-telecom") == [(1410000000000, 1410999999999)]
    assert msisdn.prefix_ranges("china-mobile") == [(1440000000000, 1441999999999), (1480000000000, 1489999999999)]


def test_check_range_refuses_reversed_and_gap_crossing_ranges() -> None:
    msisdn.check_range(1440000000000, 1441999999999, "china-mobile")  # 1440x and 1441x touch
    with pytest.raises(ValueError, match="is after"):
        msisdn.check_range(1440000000009, 1440000000000, "china-mobile")
    with pytest.raises(ValueError, match="into 1442000000000"):
        msisdn.check_range(1441000000000, 1480000000000, "china-mobile")
    with pytest.raises(InvalidComponent, match="reserved"):
        msisdn.check_range(1441999999999, 1442000000000, "china-mobile")
    with pytest.raises(ValueError, match="unknown carrier"):
        msisdn.check_range(1440000000000, 1440000000001, "china-broadnet")
