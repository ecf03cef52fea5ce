"""The registration record an OEM pushes, as a pydantic schema.

The schema checks shape only: types, presence, lengths. Document numbers, names,
VINs and the like are checked by the verifier, so each failure gets its own reason code
instead of one SCHEMA_INVALID.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from provisioning.documents import normalise_name, normalise_text
from provisioning.inputs import check_storable
from provisioning.registrations.tables import registrations

Stage = Literal["AT_SALE", "BACKFILL", "OWNER_CHANGE"]
OemMethod = Literal["ID_CARD_READER", "ONLINE_IDENTITY_CHECK", "FACE_LIVENESS", "IN_PERSON"]


def _column(name: str) -> int:
    """The length of a registrations column: a field stored in it takes its limit from
    it, so the schema can never accept what the column cannot hold."""
    length = registrations.c[name].type.length
    assert length is not None
    return int(length)


#: every schema field stored in its own column, and that column (the test of lengths walks this)
STORED_FIELDS = {"stage": "stage", "subject.type": "subject_type", "subject.id_type": "id_type",
                 "vin": "vin", "imei": "imei", "oem_verification.method": "oem_method",
                 "iccid": "card_ref", "msisdn": "card_ref"}
_DOC_TYPE = _column("id_type")
# Text fields are strict: only a str is text (pydantic would otherwise turn bytes or an
# enum given in Python into a str after the validator that checks it storable has run)
_Short = Field(min_length=1, max_length=64, strict=True)
_Name = Field(min_length=1, max_length=200, strict=True)


class _Strict(BaseModel):
    """The record's models: Input's rules (unknown fields are errors, every string
    storable on both backends), with the storable check declared per text field
    (``_text``, ``_person_name``, ``_storable_text``) instead of Input's check of every
    field, which would cost a validator call for each date, closed set and nested model
    of every record pushed. tests/unit/provisioning/test_records_storable.py holds
    every text field of the record to the check."""

    # minimum collection: a field we did not ask for is an error, not silently stored
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _text(value: object) -> object:
    """Identity strings (document numbers, codes, phones) in their one stored form (NFKC):
    what is checked, stored and indexed is the same text, however it was typed. The
    text is also checked storable (Input's check) here, in the same call."""
    return check_storable(normalise_text(value)) if isinstance(value, str) else value


def _person_name(value: object) -> object:
    return check_storable(normalise_name(value)) if isinstance(value, str) else value


def _storable_text(*fields: str) -> Any:
    """Input's storable check (no NUL, no unpaired surrogate) on these free-text fields
    only, in place of Input's check of every field: the others are closed sets
    (Literals), dates, or models that check their own fields, so none can hold such a
    value, and the check costs a validator call per field of every record pushed and
    verified. A field normalised on the way in (``_text``, ``_person_name``) is checked
    there instead, so each text field costs one call.
    tests/unit/provisioning/test_records_storable.py holds every text field to it."""
    return field_validator(*fields, mode="after")(check_storable)


class Person(_Strict):
    """An organisation's agent (经办人) or responsible person (责任人)."""

    name: str = _Name
    id_type: str = Field(min_length=1, max_length=_DOC_TYPE, strict=True)
    id_number: str = _Short
    phone: str = Field(min_length=5, max_length=20, strict=True)

    _name = field_validator("name", mode="before")(_person_name)
    _texts = field_validator("id_number", "phone", mode="before")(_text)
    _storable = _storable_text("id_type")


class Subject(_Strict):
    type: Literal["INDIVIDUAL", "ORGANIZATION"]
    name: str = _Name
    # individuals
    id_type: str | None = Field(default=None, min_length=1, max_length=_DOC_TYPE, strict=True)
    id_number: str | None = Field(default=None, min_length=1, max_length=64, strict=True)
    id_expires: dt.date | Literal["LONG_TERM"] | None = None
    # organisations
    uscc: str | None = Field(default=None, min_length=1, max_length=64, strict=True)
    agent: Person | None = None
    responsible_person: Person | None = None
    address: str | None = Field(default=None, max_length=300, strict=True)
    phone: str | None = Field(default=None, min_length=5, max_length=20, strict=True)

    _texts = field_validator("id_number", "uscc", "phone", mode="before")(_text)
    _storable = _storable_text("id_type", "address")  # the name is checked by _name

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, value: object, info: ValidationInfo) -> object:
        # a person's name gets the name rules' form; an organisation's only NFKC (its
        # "Co., Ltd." keeps its full stops)
        return _person_name(value) if info.data.get("type") == "INDIVIDUAL" else _text(value)

    @model_validator(mode="after")
    def _shape_by_type(self) -> Subject:
        if self.type == "INDIVIDUAL":
            missing = [f for f in ("id_type", "id_number", "id_expires") if getattr(self, f) is None]
            if missing:
                raise ValueError(f"an INDIVIDUAL subject needs {', '.join(missing)}")
        elif self.uscc is None:
            raise ValueError("an ORGANIZATION subject needs uscc")
        return self


class OemVerification(_Strict):
    method: OemMethod
    verified_at: dt.datetime


class RegistrationRecord(_Strict):
    iccid: str | None = Field(default=None, min_length=18, max_length=min(22, _column("card_ref")), strict=True)
    msisdn: str | None = Field(default=None, min_length=11, max_length=min(13, _column("card_ref")), strict=True)
    stage: Stage
    vin: str = Field(min_length=1, max_length=_column("vin"), strict=True)
    imei: str | None = Field(default=None, min_length=1, max_length=_column("imei"), strict=True)
    sold_at: dt.date
    subject: Subject
    oem_verification: OemVerification

    _texts = field_validator("iccid", "msisdn", "vin", "imei", mode="before")(_text)

    @model_validator(mode="after")
    def _one_card_reference(self) -> RegistrationRecord:
        if (self.iccid is None) == (self.msisdn is None):
            raise ValueError("give exactly one of iccid or msisdn")
        return self

    @property
    def card_ref(self) -> str:
        return (self.iccid or self.msisdn or "").upper()

    def dump_json(self) -> tuple[str, str]:
        """The record's canonical JSON and, cut from it, its subject's (equal to
        ``subject.model_dump_json()``): one serialisation instead of two. The subject's
        key can only occur once unescaped (any quote inside a string value is escaped),
        and ``oem_verification``, the last field, holds no strings of free text."""
        whole = self.model_dump_json()
        start = whole.index(_SUBJECT_KEY) + len(_SUBJECT_KEY)
        return whole, whole[start:whole.rindex(_AFTER_SUBJECT)]


_SUBJECT_KEY = ',"subject":'
_AFTER_SUBJECT = ',"oem_verification":'


EXAMPLE = {
    "iccid": "89860400000000000015",
    "stage": "AT_SALE",
    "vin": "LSVAU2187N2123456",
    "imei": "356938035643809",
    "sold_at": "2026-11-20",
    "subject": {"type": "INDIVIDUAL", "name": "张三", "id_type": "RESIDENT_ID",
                "id_number": "11010519491231002X", "id_expires": "2036-01-01",
                "address": "北京市朝阳区某街1号", "phone": "13800138000"},
    "oem_verification": {"method": "ID_CARD_READER", "verified_at": "2026-11-20T10:00:00+08:00"},
}
