"""Reason-coded checks for the other registration fields.

Each returns the normalised value or raises :class:`DocumentError` carrying the
reason code (docs/oem-api.md#reason-codes) and the record field, with a message that names the
rule broken and never the value.

>>> validate_vin('lsvau2187n2123456')
'LSVAU2187N2123456'
>>> validate_imei('356938035643808')
Traceback (most recent call last):
    ...
provisioning.documents.errors.DocumentError: IMEI: Luhn check digit does not match
"""

from __future__ import annotations

from collections.abc import Callable

from stdnum.exceptions import ValidationError

from provisioning.documents import imei, org_names, uscc, vin
from provisioning.documents.errors import IMEI_INVALID, NAME_INVALID, USCC_INVALID, VIN_INVALID, DocumentError
from provisioning.documents.names import validate_person_name as _person_name

__all__ = ["validate_imei", "validate_organization_name", "validate_person_name", "validate_uscc", "validate_vin"]


def _checked(check: Callable[[str], str], value: str, *, label: str | None, code: str, field: str) -> str:
    try:
        return check(value)
    except ValidationError as exc:
        raise DocumentError(f"{label}: {exc}" if label else str(exc), code=code, field=field) from exc


def validate_vin(number: str, *, field: str = "vin") -> str:
    """A VIN with its check digit; code ``VIN_INVALID``."""
    return _checked(vin.validate, number, label="VIN", code=VIN_INVALID, field=field)


def validate_imei(number: str, *, field: str = "imei") -> str:
    """A 15-digit IMEI with its Luhn digit; code ``IMEI_INVALID``."""
    return _checked(imei.validate, number, label="IMEI", code=IMEI_INVALID, field=field)


def validate_uscc(number: str, *, field: str = "uscc") -> str:
    """A Unified Social Credit Code; code ``USCC_INVALID``."""
    return _checked(uscc.validate, number, label="USCC", code=USCC_INVALID, field=field)


def validate_person_name(name: str, *, field: str = "name") -> str:
    """A Chinese or Latin person name; code ``NAME_INVALID``."""
    return _checked(_person_name, name, label=None, code=NAME_INVALID, field=field)


def validate_organization_name(name: str, *, field: str = "name") -> str:
    """An organisation name; code ``NAME_INVALID``."""
    return _checked(org_names.validate_organization_name, name, label=None, code=NAME_INVALID, field=field)
