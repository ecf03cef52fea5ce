"""ICCID and IMSI formats: lenient on input, strict on what we issue."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from numbering.identifiers import iccid, imsi
from numbering.identifiers.carriers import PROFILES


def test_real_iccids_with_letters_are_accepted_leniently_not_strictly() -> None:
    assert iccid.validate("898600b5191234567890") == "898600B5191234567890"
    assert iccid.luhn_ok("898600B5191234567890") is None
    with pytest.raises(InvalidFormat, match="letters"):
        iccid.validate("898600B5191234567890", strict=True)


def test_luhn_is_a_soft_check_on_input_and_hard_when_strict() -> None:
    good = iccid.from_serial(PROFILES["china-mobile"], 123)
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    assert iccid.validate(bad) == bad and iccid.luhn_ok(bad) is False
    with pytest.raises(InvalidChecksum, match=f"should be {good[-1]}"):
        iccid.validate(bad, strict=True)
    assert iccid.validate(good, strict=True) == good and iccid.luhn_ok(good) is True


@pytest.mark.parametrize(("number", "error", "needle"), [
    ("8986040000000000001", None, None),  # 19 characters is a valid length
    ("898604000000000001", InvalidLength, "18 characters"),
    ("898604000000000000011", InvalidLength, "21 characters"),
    ("88860400000000000015", InvalidComponent, "start with 89"),
    ("89440400000000000015", InvalidComponent, "country code 44"),
    ("8986A400000000000015", InvalidComponent, "issuer code"),
    ("89860400000000000#15", InvalidFormat, "characters"),
])
def test_iccid_structure(number: str, error: type[Exception] | None, needle: str | None) -> None:
    if error is None:
        assert iccid.is_valid(number)
        return
    with pytest.raises(error, match=needle):
        iccid.validate(number)
    assert not iccid.is_valid(number)


@pytest.mark.parametrize(("issuer", "carrier"), [
    ("00", "china-mobile"), ("02", "china-mobile"), ("04", "china-mobile"), ("07", "china-mobile"),
    ("01", "china-unicom"), ("06", "china-unicom"), ("09", "china-unicom"),
    ("03", "china-telecom"), ("11", "china-telecom"), ("15", None),
])
def test_iccid_issuer_codes_name_the_carrier(issuer: str, carrier: str | None) -> None:
    assert iccid.carrier_of(f"8986{issuer}00000000000000") == carrier


@settings(max_examples=200)
@given(st.sampled_from(sorted(PROFILES)), st.integers(0, iccid.SERIAL_LIMIT - 1))
def test_issued_iccids_are_20_digits_with_a_valid_luhn(carrier: str, serial: int) -> None:
    value = iccid.from_serial(PROFILES[carrier], serial)
    assert len(value) == 20 and value.isdigit() and luhn.is_valid(value)
    assert iccid.validate(value, strict=True) == value
    assert iccid.carrier_of(value) == carrier and int(value[6:19]) == serial


def test_iccid_serial_out_of_range_and_format() -> None:
    with pytest.raises(ValueError, match="outside"):
        iccid.from_serial(PROFILES["china-mobile"], iccid.SERIAL_LIMIT)
    assert iccid.format("89860400000000000015") == "8986 0400 0000 0000 0015"


def test_imsi_requires_15_digits_though_stdnum_accepts_14() -> None:
    from stdnum import imsi as std

    assert std.is_valid("46004123456789")
    with pytest.raises(InvalidLength, match="14 digits"):
        imsi.validate("46004123456789")


@pytest.mark.parametrize(("number", "error", "needle"), [
    ("310150123456789", InvalidComponent, "MCC 310"),
    ("460201234567890", InvalidComponent, "MNC 20"),
    ("46004123456789X", InvalidFormat, "digits"),
])
def test_imsi_rules(number: str, error: type[Exception], needle: str) -> None:
    with pytest.raises(error, match=needle):
        imsi.validate(number)


@pytest.mark.parametrize(("mnc", "carrier"), [
    ("00", "china-mobile"), ("02", "china-mobile"), ("04", "china-mobile"), ("07", "china-mobile"),
    ("08", "china-mobile"), ("01", "china-unicom"), ("06", "china-unicom"), ("09", "china-unicom"),
    ("03", "china-telecom"), ("05", "china-telecom"), ("11", "china-telecom"),
])
def test_imsi_mncs_name_the_carrier(mnc: str, carrier: str) -> None:
    number = f"460{mnc}1234567890"
    assert imsi.carrier_of(number) == carrier and imsi.validate(number, carrier) == number
    other = next(k for k in PROFILES if k != carrier)
    with pytest.raises(InvalidComponent, match=f"not {PROFILES[other].name}"):
        imsi.validate(number, other)


@given(st.sampled_from(sorted(PROFILES)), st.integers(0, imsi.SERIAL_LIMIT - 1))
def test_issued_imsis_carry_the_profile_mnc(carrier: str, serial: int) -> None:
    profile = PROFILES[carrier]
    value = imsi.from_serial(profile, serial)
    assert imsi.split(value) == ("460", profile.default_mnc, f"{serial:010d}")
    assert imsi.carrier_of(value) == carrier


def test_imsi_serial_out_of_range_and_format() -> None:
    with pytest.raises(ValueError, match="outside"):
        imsi.from_serial(PROFILES["china-unicom"], -1)
    assert imsi.format("460061234567890") == "460 06 1234567890"
