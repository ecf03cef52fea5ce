"""15-digit IMEI with Luhn digit (provisioning.documents.imei)."""

from __future__ import annotations

import re

import pytest
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from provisioning.documents import imei


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("356938035643809", "356938035643809"),  # the example record of docs/oem-api.md
        ("490154203237518", "490154203237518"),
        ("35-693803-564380-9", "356938035643809"),
        ("35 693803 564380 9", "356938035643809"),
        ("35/693803/564380/9", "356938035643809"),
        ("３５６９３８０３５６４３８０９", "356938035643809"),
    ],
)
def test_valid_imeis(raw: str, expected: str) -> None:
    assert imei.validate(raw) == expected
    assert imei.is_valid(raw)


INVALID = [
    ("fourteen_digits_no_check_digit", "35693803564380", InvalidLength, "check digit is missing"),
    ("sixteen_digits_imeisv", "3569380356438012", InvalidLength, "IMEISV"),
    ("thirteen_digits", "3569380356438", InvalidLength, "13 digits, expected 15"),
    ("wrong_luhn_digit", "356938035643808", InvalidChecksum, "Luhn"),
    ("transposed_digits", "356938035634809", InvalidChecksum, "Luhn"),
    ("letter", "35693803564380A", InvalidFormat, "character 15 is not a digit"),
    ("all_zero_placeholder", "000000000000000", InvalidComponent, "placeholder"),
    ("empty", "", InvalidLength, "0 digits"),
]


@pytest.mark.parametrize(("case", "number", "error", "message"), INVALID, ids=[row[0] for row in INVALID])
def test_invalid_imeis_name_the_rule(case: str, number: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        imei.validate(number)
    assert not imei.is_valid(number)


def test_check_digit_and_format() -> None:
    assert imei.calc_check_digit("35693803564380") == "9"
    assert imei.calc_check_digit("49015420323751") == "8"
    assert imei.format("356938035643809") == "35-693803-564380-9"
    with pytest.raises(InvalidChecksum):
        imei.format("356938035643808")
