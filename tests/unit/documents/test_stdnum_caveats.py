"""Each python-stdnum caveat (docs/domain.md#where-python-stdnum-is-not-used), named: what stdnum 2.2 does, what we do.

The first test of each pair pins the library behaviour that made our own code
necessary; if a newer stdnum fixes it, that test fails and says so, and the
workaround can be reconsidered. The second pins our behaviour on the same input.
"""

from __future__ import annotations

import datetime

import pytest
from stdnum import imei as stdnum_imei
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc

from provisioning.documents import imei, permanent_resident, residence_permit, resident_id, uscc

TODAY = datetime.date(2026, 6, 1)

RESIDENCE_PERMITS = ["810000198808081219", "820000199505052249", "830000200101010314"]
PERMANENT_RESIDENT_2023 = "911840198001010013"
BORN_2099 = "110105209901010012"
USCC_A_N_Y = ["A1110000MA01ABCD1L", "N2330106MA2HJ5CR81", "Y1440300MA5FXK3L27"]
IMEI_14, IMEI_16 = "35693803564380", "3569380356438012"


@pytest.mark.parametrize("number", RESIDENCE_PERMITS)
def test_stdnum_ric_rejects_residence_permits_81_82_83(number: str) -> None:
    assert not stdnum_ric.is_valid(number), "stdnum.cn.ric now accepts 81/82/83: reconsider gb11643"


@pytest.mark.parametrize("number", RESIDENCE_PERMITS)
def test_we_accept_residence_permits_81_82_83(number: str) -> None:
    assert residence_permit.validate(number, today=TODAY) == number


def test_stdnum_ric_rejects_the_2023_permanent_resident_number() -> None:
    assert not stdnum_ric.is_valid(PERMANENT_RESIDENT_2023)


def test_we_accept_the_2023_permanent_resident_number() -> None:
    assert permanent_resident.validate(PERMANENT_RESIDENT_2023, today=TODAY) == PERMANENT_RESIDENT_2023


def test_stdnum_ric_accepts_birth_year_2099() -> None:
    assert stdnum_ric.is_valid(BORN_2099), "stdnum.cn.ric now rejects future birth dates"


def test_we_reject_birth_year_2099() -> None:
    assert not resident_id.is_valid(BORN_2099, today=TODAY)
    assert not resident_id.is_valid(BORN_2099)  # default today, too


@pytest.mark.parametrize("code", USCC_A_N_Y)
def test_stdnum_uscc_rejects_authorities_a_n_y(code: str) -> None:
    assert not stdnum_uscc.is_valid(code), "stdnum.cn.uscc now accepts A/N/Y: reconsider our uscc"
    assert stdnum_uscc.calc_check_digit(code[:17]) == code[17]  # its checksum agrees with ours


@pytest.mark.parametrize("code", USCC_A_N_Y)
def test_we_accept_authorities_a_n_y(code: str) -> None:
    assert uscc.validate(code) == code


@pytest.mark.parametrize("number", [IMEI_14, IMEI_16])
def test_stdnum_imei_accepts_14_and_16_digits(number: str) -> None:
    assert stdnum_imei.is_valid(number), "stdnum.imei now rejects 14/16 digits"


@pytest.mark.parametrize("number", [IMEI_14, IMEI_16])
def test_we_accept_only_15_digits(number: str) -> None:
    assert not imei.is_valid(number)


def test_stdnum_has_no_vin_module() -> None:
    with pytest.raises(ImportError):
        __import__("stdnum.vin")
