"""GB 32100 Unified Social Credit Code (provisioning.documents.uscc)."""

from __future__ import annotations

import re

import pytest
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from provisioning.documents import uscc

VALID = [
    "91110000600037341L",  # enterprise, Beijing
    "914403001922038216",  # enterprise, Shenzhen
    "9144030071526726XG",  # organisation code with X
    "91440300192317458F",
    "53100000500021676K",  # foundation (civil affairs, 5), national level
    "A1110000MA01ABCD1L",  # authority A: military reform and establishment office
    "N2330106MA2HJ5CR81",  # authority N: agriculture, village collective
    "Y1440300MA5FXK3L27",  # authority Y: other
]


@pytest.mark.parametrize("code", VALID)
def test_valid_codes(code: str) -> None:
    assert uscc.validate(code) == code
    assert uscc.is_valid(code)
    assert uscc.calc_check_digit(code[:17]) == code[17]


def test_normalisation() -> None:
    assert uscc.validate(" 9111 0000-6000 3734 1l ") == "91110000600037341L"
    assert uscc.validate("９１１１００００６０００３７３４１Ｌ") == "91110000600037341L"
    assert uscc.format("n2330106ma2hj5cr81") == "N2330106MA2HJ5CR81"


INVALID = [
    ("wrong_check_character", "91110000600037341M", InvalidChecksum, "check character does not match"),
    ("short", "91110000600037341", InvalidLength, "17 characters"),
    ("long", "91110000600037341L0", InvalidLength, "19 characters"),
    ("letter_i", "9111000060003734IL", InvalidFormat, "character 17 is not allowed"),
    ("letter_o", "91110000O00037341L", InvalidFormat, "character 9 is not allowed"),
    ("letter_s", "91110000S00037341L", InvalidFormat, "character 9 is not allowed"),
    ("letter_v", "91110000V00037341L", InvalidFormat, "character 9 is not allowed"),
    ("letter_z", "91110000Z00037341L", InvalidFormat, "character 9 is not allowed"),
    ("authority_0", "01110000600037341L", InvalidComponent, "registration authority"),
    ("authority_b", "B1110000600037341L", InvalidComponent, "registration authority"),
    ("entity_type_0", "90110000600037341L", InvalidComponent, "entity type"),
    ("entity_type_letter", "9A110000600037341L", InvalidComponent, "entity type"),
    ("region_letter", "9111A000600037341L", InvalidFormat, "character 5 (region code)"),
    ("punctuation", "91110000600037341.", InvalidFormat, "character 18 is not allowed"),
]


@pytest.mark.parametrize(("case", "code", "error", "message"), INVALID, ids=[row[0] for row in INVALID])
def test_invalid_codes_name_the_rule(case: str, code: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        uscc.validate(code)
    assert not uscc.is_valid(code)


def test_calc_check_digit_makes_a_valid_code_from_17_characters() -> None:
    for body in ("91310000MA1FL4B32", "Y1110108551385082", "A9500103000000001"):
        code = body + uscc.calc_check_digit(body)
        assert uscc.validate(code) == code


def test_calc_check_digit_rejects_what_it_cannot_weigh() -> None:
    with pytest.raises(InvalidLength):
        uscc.calc_check_digit("9111")
    with pytest.raises(InvalidFormat):
        uscc.calc_check_digit("9111000060003734I")


def test_check_value_zero_is_character_zero() -> None:
    # (31 - 0) % 31 == 0 must map to '0', not to an out-of-range index
    body = next(f"9111000060003{n:04d}" for n in range(10_000) if uscc.calc_check_digit(f"9111000060003{n:04d}") == "0")
    assert uscc.is_valid(body + "0")
