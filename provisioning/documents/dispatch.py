"""Route each ``id_type`` (docs/domain.md#identity-documents) to its format module.

>>> validate_document('RESIDENT_ID', '11010519491231002x')
'11010519491231002X'
>>> birth_date_of('HMT_RESIDENCE_PERMIT', '810000199001010019')
datetime.date(1990, 1, 1)
>>> birth_date_of('FOREIGN_PASSPORT', 'E12345678') is None
True
>>> validate_document('DRIVING_LICENCE', '123')
Traceback (most recent call last):
    ...
provisioning.documents.errors.DocumentError: id_type 'DRIVING_LICENCE' is not supported; ...
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from stdnum.exceptions import ValidationError

from provisioning.documents import (
    gb11643,
    hk_macao_permit,
    military,
    passport,
    permanent_resident,
    residence_permit,
    resident_id,
    taiwan_permit,
)
from provisioning.documents.errors import ID_NUMBER_INVALID, ID_TYPE_UNSUPPORTED, DocumentError

__all__ = ["SUPPORTED_ID_TYPES", "age_on", "birth_date_of", "identity_key", "inspect_document", "validate_document"]

_Validator = Callable[[str, datetime.date | None], str]

_VALIDATORS: dict[str, _Validator] = {
    "RESIDENT_ID": lambda number, today: resident_id.validate(number, today=today),
    "TEMP_RESIDENT_ID": lambda number, today: resident_id.validate(number, today=today),
    "HOUSEHOLD_REGISTER": lambda number, today: resident_id.validate(number, today=today),
    "MILITARY_ID": lambda number, today: military.validate(number),
    "ARMED_POLICE_ID": lambda number, today: military.validate(number),
    "HK_MACAO_PERMIT": lambda number, today: hk_macao_permit.validate(number),
    "TAIWAN_PERMIT": lambda number, today: taiwan_permit.validate(number),
    "HMT_RESIDENCE_PERMIT": lambda number, today: residence_permit.validate(number, today=today),
    "FOREIGN_PASSPORT": lambda number, today: passport.validate(number),
    "FOREIGN_PERMANENT_RESIDENT": lambda number, today: permanent_resident.validate(number, today=today),
}

#: Every ``id_type`` a registration may carry, in the documented order.
SUPPORTED_ID_TYPES: tuple[str, ...] = tuple(_VALIDATORS)

#: Types whose number carries the holder's citizen identity number.
_CITIZEN_NUMBER = frozenset({"RESIDENT_ID", "TEMP_RESIDENT_ID", "HOUSEHOLD_REGISTER"})


def validate_document(id_type: str, number: str, *, today: datetime.date | None = None) -> str:
    """Return the normalised number, or raise :class:`DocumentError` with code
    ``ID_TYPE_UNSUPPORTED`` (field ``id_type``) or ``ID_NUMBER_INVALID`` (field
    ``id_number``). ``today`` (default: today in China) bounds birth dates."""
    validator = _VALIDATORS.get(id_type) if isinstance(id_type, str) else None
    if validator is None:
        shown = repr(id_type)[:40]
        raise DocumentError(
            f"id_type {shown} is not supported; expected one of {', '.join(SUPPORTED_ID_TYPES)}",
            code=ID_TYPE_UNSUPPORTED,
            field="id_type",
        )
    try:
        return validator(number, today)
    except ValidationError as exc:
        raise DocumentError(f"{id_type}: {exc}", code=ID_NUMBER_INVALID, field="id_number") from exc


def birth_date_of(id_type: str, number: str, *, today: datetime.date | None = None) -> datetime.date | None:
    """The holder's birth date when the number carries it, else None.

    Validates first (same errors as :func:`validate_document`). Dates come from
    resident IDs and the documents carrying the same number, residence permits
    and 2023-format permanent resident IDs.
    """
    return _birth(id_type, validate_document(id_type, number, today=today))


def _birth(id_type: str, number: str) -> datetime.date | None:
    if id_type in _CITIZEN_NUMBER or id_type == "HMT_RESIDENCE_PERMIT":
        return gb11643.birth_date_of_compact(number)  # validated: already compact
    if id_type == "FOREIGN_PERMANENT_RESIDENT":
        return permanent_resident.birth_date(number)
    return None


def age_on(birth: datetime.date, today: datetime.date) -> int:
    """Completed years of age on ``today``; a 29 February birthday is reached on
    1 March in common years. ValueError when ``today`` is before ``birth``.

    >>> age_on(datetime.date(2008, 2, 29), datetime.date(2024, 2, 28))
    15
    >>> age_on(datetime.date(2008, 2, 29), datetime.date(2025, 3, 1))
    17
    """
    if today < birth:
        raise ValueError("today is before the birth date")
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def identity_key(id_type: str, number: str, *, today: datetime.date | None = None) -> str:
    """A key that is equal for two submissions of the same identity document.

    Resident ID, temporary resident ID and household register carry the same
    citizen number, so they share one key; a Hong Kong/Macao permit keeps its
    lifelong part only (the issue count changes on renewal).

    >>> identity_key('HOUSEHOLD_REGISTER', '11010519491231002x') == identity_key('RESIDENT_ID', '11010519491231002X')
    True
    >>> identity_key('HK_MACAO_PERMIT', 'H1234567803')
    'HK_MACAO_PERMIT:H12345678'
    """
    return _key(id_type, validate_document(id_type, number, today=today))


def _key(id_type: str, number: str) -> str:
    if id_type in _CITIZEN_NUMBER:
        return f"CITIZEN:{number}"
    if id_type == "HK_MACAO_PERMIT":
        return f"{id_type}:{hk_macao_permit.lifelong(number)}"
    return f"{id_type}:{number}"


def inspect_document(id_type: str, number: str, *,
                     today: datetime.date | None = None) -> tuple[str, datetime.date | None]:
    """:func:`identity_key` and :func:`birth_date_of` with one validation.

    >>> inspect_document('RESIDENT_ID', '11010519491231002X')
    ('CITIZEN:11010519491231002X', datetime.date(1949, 12, 31))
    """
    normal = validate_document(id_type, number, today=today)
    return _key(id_type, normal), _birth(id_type, normal)
