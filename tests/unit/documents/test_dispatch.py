"""validate_document, birth_date_of, age_on, identity_key and the reason-coded checks."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest

from numbering.errors import Invalid
from provisioning.documents import (
    SUPPORTED_ID_TYPES,
    DocumentError,
    age_on,
    birth_date_of,
    identity_key,
    normalise_text,
    validate_document,
    validate_imei,
    validate_organization_name,
    validate_person_name,
    validate_uscc,
    validate_vin,
)

TODAY = datetime.date(2026, 6, 1)

CONTRACT_ID_TYPES = (
    "RESIDENT_ID", "TEMP_RESIDENT_ID", "HOUSEHOLD_REGISTER", "MILITARY_ID", "ARMED_POLICE_ID",
    "HK_MACAO_PERMIT", "TAIWAN_PERMIT", "HMT_RESIDENCE_PERMIT", "FOREIGN_PASSPORT", "FOREIGN_PERMANENT_RESIDENT",
)  # fmt: skip

# id_type, a valid number (normalised form), a number valid for another type only, its birth date
ROUTES = [
    ("RESIDENT_ID", "11010519491231002X", "810000198808081219", datetime.date(1949, 12, 31)),
    ("TEMP_RESIDENT_ID", "440305199003071236", "H12345678", datetime.date(1990, 3, 7)),
    ("HOUSEHOLD_REGISTER", "500103200612310093", "911840198001010013", datetime.date(2006, 12, 31)),
    ("MILITARY_ID", "南字第20230001号", "11010519491231002X", None),
    ("ARMED_POLICE_ID", "武字第00123456号", "E12/345", None),
    ("HK_MACAO_PERMIT", "H1234567801", "12345678", None),
    ("TAIWAN_PERMIT", "12345678", "H12345678", None),
    ("HMT_RESIDENCE_PERMIT", "830000200101010314", "11010519491231002X", datetime.date(2001, 1, 1)),
    ("FOREIGN_PASSPORT", "E12345678", "SMITHJOHN", None),
    ("FOREIGN_PERMANENT_RESIDENT", "931826197506150128", "11010519491231002X", datetime.date(1975, 6, 15)),
]


def test_supported_types_are_exactly_the_contract_list() -> None:
    assert SUPPORTED_ID_TYPES == CONTRACT_ID_TYPES
    assert {row[0] for row in ROUTES} == set(CONTRACT_ID_TYPES)


@pytest.mark.parametrize(("id_type", "number", "wrong", "born"), ROUTES)
def test_each_type_routes_to_its_validator(id_type: str, number: str, wrong: str, born: datetime.date | None) -> None:
    assert validate_document(id_type, number.lower(), today=TODAY) == number
    assert birth_date_of(id_type, number, today=TODAY) == born
    with pytest.raises(DocumentError) as caught:
        validate_document(id_type, wrong, today=TODAY)
    err = caught.value
    assert (err.code, err.field) == ("ID_NUMBER_INVALID", "id_number")
    assert str(err).startswith(f"{id_type}: ")


def test_old_permanent_resident_card_has_no_birth_date() -> None:
    assert birth_date_of("FOREIGN_PERMANENT_RESIDENT", "USA310180012050") is None


@pytest.mark.parametrize("id_type", ["DRIVING_LICENCE", "resident_id", "", None, 3])
def test_unsupported_id_type(id_type: object) -> None:
    with pytest.raises(DocumentError) as caught:
        validate_document(id_type, "11010519491231002X")  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.field) == ("ID_TYPE_UNSUPPORTED", "id_type")
    assert "RESIDENT_ID" in str(caught.value)  # lists what is supported


def test_unsupported_id_type_message_is_bounded() -> None:
    with pytest.raises(DocumentError) as caught:
        validate_document("X" * 5000, "1")
    assert len(str(caught.value)) < 400


def test_document_error_is_a_value_error_and_a_422_domain_error() -> None:
    with pytest.raises(DocumentError) as caught:
        validate_document("RESIDENT_ID", "110105209901010012", today=TODAY)
    err = caught.value
    assert isinstance(err, ValueError) and isinstance(err, Invalid) and err.status == 422
    assert err.to_dict() == {"code": "ID_NUMBER_INVALID", "field": "id_number",
                             "message": "RESIDENT_ID: birth date is in the future"}  # fmt: skip


LEAK_CASES = [
    ("RESIDENT_ID", "110105194912310021"),  # bad check character
    ("RESIDENT_ID", "110105209901010012"),  # future birth
    ("RESIDENT_ID", "110105491231002"),  # 15 digits
    ("RESIDENT_ID", "810000198808081219"),  # wrong type
    ("HMT_RESIDENCE_PERMIT", "11010519491231002X"),
    ("FOREIGN_PERMANENT_RESIDENT", "911840198001010014"),
    ("FOREIGN_PASSPORT", "SMITHJOHNATHAN"),
    ("FOREIGN_PASSPORT", "E1234567<"),
    ("HK_MACAO_PERMIT", "C12345678"),
    ("TAIWAN_PERMIT", "1234567801(B)"),
    ("MILITARY_ID", "南京军区司令字第12345678号"),
    ("TEMP_RESIDENT_ID", "1101051949123100AX"),
]


@pytest.mark.parametrize(("id_type", "number"), LEAK_CASES)
def test_messages_never_echo_the_number(id_type: str, number: str) -> None:
    with pytest.raises(DocumentError) as caught:
        validate_document(id_type, number, today=TODAY)
    text = f"{caught.value} {caught.value!r} {caught.value.to_dict()}"
    windows = {number[i : i + 6] for i in range(len(number) - 5)}
    assert not [w for w in windows if w in text], text
    assert number[6:14] not in text  # the birth-date part


def test_age_on() -> None:
    born = datetime.date(2010, 6, 1)
    assert age_on(born, datetime.date(2026, 5, 31)) == 15
    assert age_on(born, datetime.date(2026, 6, 1)) == 16  # the birthday itself
    assert age_on(born, born) == 0
    leap = datetime.date(2008, 2, 29)
    assert age_on(leap, datetime.date(2026, 2, 28)) == 17
    assert age_on(leap, datetime.date(2026, 3, 1)) == 18
    assert age_on(leap, datetime.date(2028, 2, 29)) == 20
    with pytest.raises(ValueError, match="before the birth date"):
        age_on(born, datetime.date(2010, 5, 31))


def test_holder_age_from_a_document() -> None:
    born = birth_date_of("RESIDENT_ID", "500103200612310093")
    assert born is not None and age_on(born, TODAY) == 19


def test_identity_key() -> None:
    citizen = identity_key("RESIDENT_ID", "11010519491231002x")
    assert citizen == identity_key("HOUSEHOLD_REGISTER", "11010519491231002X") == "CITIZEN:11010519491231002X"
    assert citizen == identity_key("TEMP_RESIDENT_ID", "110105 19491231 002X")
    assert identity_key("HK_MACAO_PERMIT", "H1234567801") == identity_key("HK_MACAO_PERMIT", "h12345678")
    assert identity_key("MILITARY_ID", "WJ123456") != identity_key("ARMED_POLICE_ID", "WJ123456")
    assert identity_key("FOREIGN_PASSPORT", "e 1234 5678") == "FOREIGN_PASSPORT:E12345678"
    with pytest.raises(DocumentError):
        identity_key("RESIDENT_ID", "110105194912310021")


@pytest.mark.parametrize(
    ("check", "good", "normalised", "bad", "code", "field"),
    [
        (validate_vin, "lsvau2187n2123456", "LSVAU2187N2123456", "WVWZZZ1JZXW000001", "VIN_INVALID", "vin"),
        (validate_imei, "35-693803-564380-9", "356938035643809", "3569380356438012", "IMEI_INVALID", "imei"),
        (validate_uscc, "n2330106ma2hj5cr81", "N2330106MA2HJ5CR81", "91110000600037341M", "USCC_INVALID", "uscc"),
        (validate_person_name, "阿卜杜•热合曼", "阿卜杜·热合曼", "张3", "NAME_INVALID", "name"),
        (validate_organization_name, "某某(北京)公司", "某某（北京）公司", "某某(北京公司", "NAME_INVALID", "name"),
    ],
)
def test_field_checks_carry_reason_codes(
    check: Callable[[str], str], good: str, normalised: str, bad: str, code: str, field: str
) -> None:
    assert check(good) == normalised
    with pytest.raises(DocumentError) as caught:
        check(bad)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert bad not in str(caught.value)


def test_field_name_can_be_overridden() -> None:
    with pytest.raises(DocumentError) as caught:
        validate_person_name("张3", field="agent.name")
    assert caught.value.field == "agent.name" and str(caught.value) == "name contains a digit"


@pytest.mark.parametrize(("id_type", "typed"), [
    ("RESIDENT_ID", "１１０１０５１９４９１２３１００２ｘ"),
    ("FOREIGN_PASSPORT", " Ｅ１２３４５６７８ "),
    ("HK_MACAO_PERMIT", "Ｈ１２３４５６７８０３"),
])
def test_a_number_stored_normalised_is_judged_and_indexed_as_typed(id_type: str, typed: str) -> None:
    stored = normalise_text(typed)
    assert stored.isascii() and normalise_text(stored) == stored
    assert identity_key(id_type, stored) == identity_key(id_type, typed)
    assert validate_uscc(normalise_text("９１３５０１００Ｍ０００１００Ｙ４３")) == "91350100M000100Y43"
