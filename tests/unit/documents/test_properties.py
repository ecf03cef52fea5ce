"""Property tests: generated valid values validate; one changed character breaks them."""

from __future__ import annotations

import datetime
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from provisioning.documents import age_on, fake, gb11643, imei, resident_id, uscc, vin
from provisioning.documents.names import is_valid_person_name, validate_person_name

TODAY = datetime.date(2026, 6, 1)
PROFILE = settings(max_examples=150, deadline=None)

births = st.dates(min_value=datetime.date(1900, 1, 1), max_value=TODAY)
provinces = st.sampled_from(sorted(gb11643.MAINLAND_PROVINCES))
rngs = st.integers(min_value=0, max_value=2**32).map(random.Random)


def _substitute(number: str, position: int, alphabet: str, shift: int) -> str:
    """Replace the character at ``position`` with a different one from ``alphabet``."""
    current = alphabet.index(number[position]) if number[position] in alphabet else 0
    replacement = alphabet[(current + 1 + shift % (len(alphabet) - 1)) % len(alphabet)]
    assert replacement != number[position]
    return number[:position] + replacement + number[position + 1 :]


@PROFILE
@given(province=provinces, county=st.integers(0, 9999), born=births, sequence=st.integers(0, 999))
def test_built_resident_ids_validate_and_round_trip(
    province: str, county: int, born: datetime.date, sequence: int
) -> None:
    body = f"{province}{county:04d}{born:%Y%m%d}{sequence:03d}"
    number = body + gb11643.calc_check_digit(body)
    assert resident_id.validate(number.lower(), today=TODAY) == number
    assert resident_id.birth_date(number) == born
    assert resident_id.gender(number) == ("M" if sequence % 2 else "F")


@PROFILE
@given(rng=rngs, position=st.integers(0, 17), shift=st.integers(0, 100))
def test_one_changed_character_breaks_a_resident_id(rng: random.Random, position: int, shift: int) -> None:
    number = fake.resident_id(rng)
    alphabet = "0123456789X" if position == 17 else "0123456789"
    assert not resident_id.is_valid(_substitute(number, position, alphabet, shift), today=TODAY)


@PROFILE
@given(rng=rngs, position=st.integers(0, 17), shift=st.integers(0, 100))
def test_one_changed_character_breaks_a_uscc(rng: random.Random, position: int, shift: int) -> None:
    code = fake.uscc(rng)
    assert uscc.is_valid(code)
    assert not uscc.is_valid(_substitute(code, position, uscc.ALPHABET, shift))


@PROFILE
@given(organisation=st.text(alphabet=uscc.ALPHABET, min_size=9, max_size=9), authority=st.sampled_from("123456789ANY"))
def test_any_17_characters_get_a_check_character(organisation: str, authority: str) -> None:
    head = authority + "1" + "110105" + organisation
    code = head + uscc.calc_check_digit(head)
    assert uscc.validate(code) == code


@PROFILE
@given(rng=rngs, position=st.integers(0, 16), shift=st.integers(0, 100))
def test_one_changed_character_breaks_a_vin_unless_values_collide(
    rng: random.Random, position: int, shift: int
) -> None:
    number = fake.vin(rng)
    assert vin.is_valid(number)
    changed = _substitute(number, position, vin.ALPHABET if position != 8 else "0123456789X", shift)
    # A/J/1, B/K/S/2 ... share a transliteration value: ISO 3779 cannot see those swaps
    same_value = vin.TRANSLITERATION[changed[position]] == vin.TRANSLITERATION[number[position]]
    expected = position != 8 and same_value and (position != 9 or changed[9] in vin.YEAR_CODES)
    assert vin.is_valid(changed) is expected


@PROFILE
@given(rng=rngs, position=st.integers(0, 14), shift=st.integers(0, 100))
def test_one_changed_digit_breaks_an_imei(rng: random.Random, position: int, shift: int) -> None:
    number = fake.imei(rng)
    assert imei.is_valid(number)
    assert not imei.is_valid(_substitute(number, position, "0123456789", shift))


han = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)


@PROFILE
@given(parts=st.lists(st.text(alphabet=han, min_size=1, max_size=6), min_size=1, max_size=4), digit=st.integers(0, 9))
def test_han_names_with_dots_validate_and_digits_break_them(parts: list[str], digit: int) -> None:
    name = "·".join(parts)
    if len(name) >= 2:
        assert validate_person_name(name.replace("·", "•")) == name
        assert validate_person_name(name) == validate_person_name(validate_person_name(name))
    assert not is_valid_person_name(name + str(digit))


@PROFILE
@given(
    born=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2020, 12, 31)), years=st.integers(0, 80)
)
def test_age_on_birthday_is_the_year_count(born: datetime.date, years: int) -> None:
    if (born.month, born.day) == (2, 29):
        born = born.replace(day=28)
    birthday = born.replace(year=born.year + years)
    assert age_on(born, birthday) == years
    if years:
        assert age_on(born, birthday - datetime.timedelta(days=1)) == years - 1
