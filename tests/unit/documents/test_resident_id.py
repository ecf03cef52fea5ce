"""GB 11643 resident ID rules (provisioning.documents.resident_id / gb11643)."""

from __future__ import annotations

import datetime

import pytest
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from provisioning.documents import gb11643, resident_id

TODAY = datetime.date(2026, 6, 1)

VALID = [
    # number, birth date, gender
    ("11010519491231002X", datetime.date(1949, 12, 31), "F"),
    ("440305199003071236", datetime.date(1990, 3, 7), "M"),
    ("310104198511200048", datetime.date(1985, 11, 20), "F"),
    ("510107200002292833", datetime.date(2000, 2, 29), "M"),
    ("650102197808151719", datetime.date(1978, 8, 15), "M"),
    ("540102196501010022", datetime.date(1965, 1, 1), "F"),
    ("500103200612310093", datetime.date(2006, 12, 31), "M"),
    ("11010519000101001X", datetime.date(1900, 1, 1), "M"),
]


@pytest.mark.parametrize(("number", "born", "sex"), VALID)
def test_valid_numbers_with_birth_date_and_gender(number: str, born: datetime.date, sex: str) -> None:
    assert resident_id.validate(number, today=TODAY) == number
    assert resident_id.birth_date(number) == born
    assert resident_id.gender(number) == sex
    assert resident_id.is_valid(number, today=TODAY)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("11010519491231002x", "11010519491231002X"),  # lowercase check character
        (" 110105 19491231 002X ", "11010519491231002X"),  # spaces
        ("110105-19491231-002X", "11010519491231002X"),  # hyphens
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),  # full-width digits and X
        ("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X"),  # full-width lowercase x
    ],
)
def test_normalisation(raw: str, expected: str) -> None:
    assert resident_id.validate(raw, today=TODAY) == expected
    assert resident_id.format(raw) == expected


INVALID = [
    ("too_short", "11010519491231002", InvalidLength, "number has 17 characters, expected 18"),
    ("too_long", "11010519491231002X1", InvalidLength, "number has 19 characters"),
    ("empty", "", InvalidLength, "number has 0 characters"),
    ("first_generation_15_digits", "110105491231002", InvalidLength, "15-digit first-generation"),
    ("letter_in_body", "110105194912310A2X", InvalidFormat, "character 16 is not a digit"),
    ("check_character_letter_not_x", "11010519491231002A", InvalidFormat, "character 18 (check character)"),
    ("wrong_check_character", "110105194912310021", InvalidChecksum, "check character does not match"),
    ("x_where_digit_expected", "110105199001010011", InvalidChecksum, "check character does not match"),
    ("february_30", "11010519900230001X", InvalidComponent, "not a real calendar date"),
    ("month_13", "110105199013010018", InvalidComponent, "not a real calendar date"),
    ("year_0000", "11010500000101001X", InvalidComponent, "not a real calendar date"),
    ("february_29_common_year", "510107200102292830", InvalidComponent, "not a real calendar date"),
    ("born_2099", "110105209901010012", InvalidComponent, "birth date is in the future"),
    ("born_before_1900", "110105189912310015", InvalidComponent, "before 1900"),
    ("region_00", "000105199001010015", InvalidComponent, "mainland province"),
    ("region_19_no_province", "190105199001010015", InvalidComponent, "mainland province"),
    ("region_66_no_province", "660105199001010018", InvalidComponent, "mainland province"),
    ("region_71_taiwan_code_never_issued", "710000199001010015", InvalidComponent, "mainland province"),
    ("hong_kong_residence_permit", "810000198808081219", InvalidComponent, "residence permit number"),
    ("macao_residence_permit", "820000199505052249", InvalidComponent, "residence permit number"),
    ("taiwan_residence_permit", "830000200101010314", InvalidComponent, "residence permit number"),
    ("foreign_permanent_resident_2023", "911840198001010013", InvalidComponent, "permanent resident"),
    ("not_a_string", 110105194912310020, InvalidFormat, "must be a string"),
    ("huge_input", "1" * 10_000, InvalidFormat, "longer than 64"),
]


@pytest.mark.parametrize(("case", "number", "error", "message"), INVALID, ids=[row[0] for row in INVALID])
def test_invalid_numbers_name_the_rule(case: str, number: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error) as caught:
        resident_id.validate(number, today=TODAY)
    assert message in str(caught.value)
    assert not resident_id.is_valid(number, today=TODAY)


def test_february_29_table_entry_is_a_real_leap_day_and_its_twin_is_not() -> None:
    leap = "510107200002292833"
    common = "510107200102292830"
    assert gb11643.calc_check_digit(common) == "0"  # the twin fails on the date, not the checksum
    assert resident_id.is_valid(leap, today=TODAY) and not resident_id.is_valid(common, today=TODAY)


def test_born_today_is_accepted_and_born_tomorrow_is_not() -> None:
    born_today = "11010520260601001"
    born_tomorrow = "11010520260602001"
    today_number = born_today + gb11643.calc_check_digit(born_today)
    tomorrow_number = born_tomorrow + gb11643.calc_check_digit(born_tomorrow)
    assert resident_id.validate(today_number, today=TODAY) == today_number
    with pytest.raises(InvalidComponent, match="future"):
        resident_id.validate(tomorrow_number, today=TODAY)
    assert resident_id.validate(tomorrow_number, today=datetime.date(2026, 6, 2)) == tomorrow_number


def test_default_today_is_the_date_in_china() -> None:
    china_now = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8)))
    assert gb11643.today_in_china() == china_now.date()
    year_ahead = f"110105{china_now.year + 1}0101001"
    assert not resident_id.is_valid(year_ahead + gb11643.calc_check_digit(year_ahead))


def test_check_character_ten_is_x() -> None:
    assert gb11643.calc_check_digit("11010519491231002") == "X"
    assert gb11643.calc_check_digit("440305199003071236") == "6"  # only the first 17 count


def test_every_mainland_province_code_is_accepted() -> None:
    assert len(gb11643.MAINLAND_PROVINCES) == 31
    for province in sorted(gb11643.MAINLAND_PROVINCES):
        body = f"{province}010119900101001"
        assert resident_id.is_valid(body + gb11643.calc_check_digit(body), today=TODAY), province
