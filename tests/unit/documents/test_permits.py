"""Residence permits, permanent resident IDs, travel permits, passports, military IDs."""

from __future__ import annotations

import datetime
import re

import pytest
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

from provisioning.documents import (
    hk_macao_permit,
    military,
    passport,
    permanent_resident,
    residence_permit,
    taiwan_permit,
)

TODAY = datetime.date(2026, 6, 1)


@pytest.mark.parametrize(
    ("number", "region", "born"),
    [
        ("810000198808081219", "Hong Kong", datetime.date(1988, 8, 8)),
        ("820000199505052249", "Macao", datetime.date(1995, 5, 5)),
        ("830000200101010314", "Taiwan", datetime.date(2001, 1, 1)),
    ],
)
def test_residence_permit_valid(number: str, region: str, born: datetime.date) -> None:
    assert residence_permit.validate(number, today=TODAY) == number
    assert residence_permit.region(number) == region
    assert residence_permit.birth_date(number) == born


@pytest.mark.parametrize(
    ("case", "number", "error", "message"),
    [
        ("mainland_resident_id", "11010519491231002X", InvalidComponent, "810000, 820000 or 830000"),
        ("region_810001_not_exact", "810001198808081215", InvalidComponent, "810000, 820000 or 830000"),
        ("region_840000", "840000198808081214", InvalidComponent, "810000, 820000 or 830000"),
        ("wrong_check_character", "810000198808081218", InvalidChecksum, "check character"),
        ("born_2099", "810000209901010010", InvalidComponent, "future"),
        ("short", "81000019880808121", InvalidLength, "17 characters"),
    ],
)
def test_residence_permit_invalid(case: str, number: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        residence_permit.validate(number, today=TODAY)
    assert not residence_permit.is_valid(number, today=TODAY)


@pytest.mark.parametrize(
    ("raw", "expected", "born"),
    [
        ("911840198001010013", "911840198001010013", datetime.date(1980, 1, 1)),  # Beijing, USA
        ("931826197506150128", "931826197506150128", datetime.date(1975, 6, 15)),  # Shanghai, UK
        ("944392199211030030", "944392199211030030", datetime.date(1992, 11, 3)),  # Guangdong, Japan
        ("usa310180012050", "USA310180012050", None),  # 15-character card, no readable birth date
        ("GBR 1100 8503 2701", "GBR110085032701", None),
    ],
)
def test_permanent_resident_valid(raw: str, expected: str, born: datetime.date | None) -> None:
    assert permanent_resident.validate(raw, today=TODAY) == expected
    assert permanent_resident.birth_date(expected) == born
    assert permanent_resident.is_new_format(expected) is (born is not None)


@pytest.mark.parametrize(
    ("case", "number", "error", "message"),
    [
        ("new_format_wrong_check", "911840198001010014", InvalidChecksum, "check character"),
        ("new_format_born_2099", "91184020990101001X", InvalidComponent, "future"),
        ("new_format_province_00", "900840198001010010", InvalidComponent, "province code"),
        ("new_format_province_97", "971840198001010014", InvalidComponent, "province code"),
        ("resident_id_is_not_a_permanent_resident_id", "11010519491231002X", InvalidComponent, "start with 9"),
        ("old_format_digits_only", "123310180012050", InvalidFormat, "character 1 is not a letter"),
        ("old_format_letter_in_digits", "USA31018001205O", InvalidFormat, "character 15 is not a digit"),
        ("old_format_two_letters", "US3310180012050", InvalidFormat, "character 3 is not a letter"),
        ("sixteen_characters", "USA3101800120501", InvalidLength, "16 characters"),
    ],
)
def test_permanent_resident_invalid(case: str, number: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        permanent_resident.validate(number, today=TODAY)


@pytest.mark.parametrize(
    ("raw", "expected", "lifelong"),
    [
        ("H12345678", "H12345678", "H12345678"),
        ("m87654321", "M87654321", "M87654321"),
        ("H1234567801", "H1234567801", "H12345678"),  # with the 2-digit issue count
        ("Ｈ１２３４５６７８", "H12345678", "H12345678"),  # full-width
    ],
)
def test_hk_macao_permit_valid(raw: str, expected: str, lifelong: str) -> None:
    assert hk_macao_permit.validate(raw) == expected
    assert hk_macao_permit.lifelong(raw) == lifelong


@pytest.mark.parametrize(
    ("case", "number", "error", "message"),
    [
        ("starts_with_c", "C12345678", InvalidFormat, "does not start with H"),
        ("seven_digits", "H1234567", InvalidLength, "expected 9 or 11"),
        ("nine_digits", "H123456789", InvalidLength, "expected 9 or 11"),
        ("letter_in_digits", "H1234A678", InvalidFormat, "character 6 is not a digit"),
        ("hk_identity_card_style", "A123456(7)", InvalidLength, "10 characters"),
    ],
)
def test_hk_macao_permit_invalid(case: str, number: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        hk_macao_permit.validate(number)
    assert not hk_macao_permit.is_valid(number)


def test_taiwan_permit() -> None:
    assert taiwan_permit.validate(" 0123 4567 ") == "01234567"
    assert taiwan_permit.is_valid("12345678")
    for legacy in ("1234567801", "1234567801(B)", "1234567801（Ｂ）", "1234567802(3)"):
        with pytest.raises(InvalidLength, match="pre-2008"):
            taiwan_permit.validate(legacy)
    with pytest.raises(InvalidLength, match="7 characters"):
        taiwan_permit.validate("1234567")
    with pytest.raises(InvalidFormat, match="character 1 is not a digit"):
        taiwan_permit.validate("T2345678")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("南字第20230001号", "南字第20230001号"),
        ("政字第1234567", "政字第1234567号"),  # 号 added
        (" 武字第 0012 3456 号", "武字第00123456号"),
        ("后勤字第123456号", "后勤字第123456号"),
        ("wj1234567", "WJ1234567"),
        ("123456", "123456"),
    ],
)
def test_military_valid(raw: str, expected: str) -> None:
    assert military.validate(raw) == expected


@pytest.mark.parametrize(
    ("case", "number", "message"),
    [
        ("no_digits_after_marker", "军字第号", "4-10 digits"),
        ("three_digits", "军字第123号", "4-10 digits"),
        ("latin_prefix", "AB字第1234567号", "1-4 Chinese characters"),
        ("no_prefix", "字第1234567号", "1-4 Chinese characters"),
        ("five_character_prefix", "中国人民解字第1234567号", "1-4 Chinese characters"),
        ("text_after_number", "南字第1234567号码", "4-10 digits"),
        ("too_short_card_number", "A1234", "5 characters"),
        ("letters_only", "ABCDEFG", "has no digit"),
        ("placeholder", "000000", "one character repeated"),
        ("punctuation", "WJ-12/345", "not a letter A-Z or a digit"),
        ("chinese_without_marker", "南京军区12345", "not a letter A-Z or a digit"),
    ],
)
def test_military_invalid(case: str, number: str, message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        military.validate(number)
    assert not military.is_valid(number)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("E12345678", "E12345678"),  # PRC style
        ("c01x00t47", "C01X00T47"),  # German style, alphanumeric
        ("123456789", "123456789"),  # US/UK style, 9 digits
        ("TR 1234567", "TR1234567"),  # Japanese style, spaces removed
        ("AB12345", "AB12345"),
        ("X1234", "X1234"),  # shortest allowed
        ("A" + "1" * 19, "A" + "1" * 19),  # longest allowed
    ],
)
def test_passport_valid(raw: str, expected: str) -> None:
    assert passport.validate(raw) == expected


@pytest.mark.parametrize(
    ("case", "number", "error", "message"),
    [
        ("four_characters", "E123", InvalidLength, "4 characters"),
        ("twenty_one_characters", "E" + "1" * 20, InvalidLength, "21 characters"),
        ("mrz_filler", "E1234567<", InvalidFormat, "character 9"),
        ("hyphen", "E1234-5678", InvalidFormat, "character 6"),
        ("letters_only_name_typed", "SMITHJOHN", InvalidFormat, "has no digit"),
        ("placeholder_zeros", "00000000", InvalidComponent, "one character repeated"),
        ("cyrillic_letter", "Е12345678", InvalidFormat, "character 1"),  # U+0415, looks like E
        ("dotless_i_not_folded_to_i", "E1234567ı", InvalidFormat, "character 9"),  # "ı".upper() == "I"
    ],
)
def test_passport_invalid(case: str, number: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        passport.validate(number)
    assert not passport.is_valid(number)
