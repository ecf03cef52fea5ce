"""The registration record's models check storability (no NUL, no unpaired surrogate)
on their free-text fields only (records._storable_text), not on every field as Input
does: every field that can hold arbitrary text must still be checked, so a new text
field cannot slip past the list."""

from __future__ import annotations

import copy
import enum
import typing
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from provisioning.registrations.records import EXAMPLE, OemVerification, Person, RegistrationRecord, Subject

PERSON = {"name": "李四", "id_type": "RESIDENT_ID", "id_number": "11010519491231002X", "phone": "13800138000"}
#: a valid record with every optional text field present (an organisation's fields on their own record)
INDIVIDUAL = copy.deepcopy(EXAMPLE)
ORGANIZATION = {**copy.deepcopy(EXAMPLE), "subject": {
    "type": "ORGANIZATION", "name": "某某汽车有限公司", "uscc": "91350100M000100Y43", "agent": PERSON,
    "responsible_person": PERSON, "address": "北京市朝阳区某街1号", "phone": "13800138000"}}


def _takes_text(annotation: Any) -> bool:
    """Whether a field's type admits arbitrary text (a str, not only a Literal's values)."""
    if annotation is str:
        return True
    return any(_takes_text(arg) for arg in typing.get_args(annotation) if typing.get_origin(annotation) is not
               typing.Literal)


def _text_paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    paths = []
    for name, field in model.model_fields.items():
        if _takes_text(field.annotation):
            paths.append(prefix + name)
        for arg in (field.annotation, *typing.get_args(field.annotation)):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                paths += _text_paths(arg, f"{prefix}{name}.")
    return paths


TEXT_PATHS = sorted(set(_text_paths(RegistrationRecord)))


def test_the_models_text_fields_are_found() -> None:
    assert {"iccid", "msisdn", "vin", "imei", "subject.name", "subject.address", "subject.agent.id_number",
            "subject.responsible_person.phone", "subject.uscc"} <= set(TEXT_PATHS)
    assert "stage" not in TEXT_PATHS and "oem_verification.method" not in TEXT_PATHS
    assert OemVerification.model_fields and Person.model_fields and Subject.model_fields


def _base_for(path: str) -> dict[str, Any]:
    record = copy.deepcopy(ORGANIZATION if path.startswith(("subject.agent", "subject.responsible_person",
                                                            "subject.uscc")) else INDIVIDUAL)
    if path == "msisdn":  # exactly one card reference
        record.pop("iccid")
        record["msisdn"] = "1440000000000"
    return record


@pytest.mark.parametrize("odd", ["\x00", "\ud800"])
@pytest.mark.parametrize("path", TEXT_PATHS)
def test_every_text_field_refuses_what_a_backend_cannot_store(path: str, odd: str) -> None:
    record = _base_for(path)
    RegistrationRecord.model_validate(record)  # valid as it stands
    *parents, name = path.split(".")
    target = record
    for part in parents:
        target = target[part]
    value = str(target.get(name) or "13800138000")
    target[name] = value[:2] + odd + value[3:]
    with pytest.raises(ValidationError) as caught:  # (pydantic itself refuses an unpaired surrogate in a str)
        RegistrationRecord.model_validate(record)
    errors = [e for e in caught.value.errors() if ".".join(map(str, e["loc"])) == path]
    assert errors, caught.value.errors()
    assert any(word in e["msg"] for e in errors for word in ("NUL", "surrogate", "unicode")), errors


class _Named(enum.Enum):
    VALUE = "LSVAU2187N2123456"


@pytest.mark.parametrize("kind", ["bytes", "bytearray", "enum"])
@pytest.mark.parametrize("path", TEXT_PATHS)
def test_only_a_str_is_text(path: str, kind: str) -> None:
    """A record built in Python (a job line) gives each text field a str or nothing:
    bytes or an enum would become a str only after the storable check had run, so
    they are refused as they are, NUL inside or not."""
    record = _base_for(path)
    *parents, name = path.split(".")
    target = record
    for part in parents:
        target = target[part]
    value = str(target.get(name) or "13800138000")
    odd: object = {"bytes": value.encode() + b"\x00", "bytearray": bytearray(value.encode()),
                   "enum": _Named.VALUE}[kind]
    target[name] = odd
    with pytest.raises(ValidationError) as caught:
        RegistrationRecord.model_validate(record)
    assert any(".".join(map(str, e["loc"])) == path and e["type"] == "string_type" for e in caught.value.errors()), \
        caught.value.errors()
