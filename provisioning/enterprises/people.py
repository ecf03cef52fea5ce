"""Checks on a responsible person's fields (pure). Messages never echo the values."""

from __future__ import annotations

import re

from provisioning.documents.dispatch import SUPPORTED_ID_TYPES, validate_document
from provisioning.documents.names import validate_person_name
from provisioning.enterprises.errors import PersonInvalid

ROLES = ("PURCHASE", "REAL_NAME")
ID_TYPES: tuple[str, ...] = tuple(SUPPORTED_ID_TYPES)
_PHONE = re.compile(r"^\+?\d{5,20}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}$")


def check_role(role: str) -> str:
    if role not in ROLES:
        raise PersonInvalid(f"role must be one of {', '.join(ROLES)}", field="role")
    return role


def check_name(name: str) -> str:
    """A person's name by the registration rules (Chinese names with ·, Latin names).

    >>> check_name(" 阿卜杜·热合曼 ")
    '阿卜杜·热合曼'
    """
    try:
        return validate_person_name(name)
    except ValueError as exc:
        raise PersonInvalid(f"name is invalid: {exc}", field="name") from None


def check_id(id_type: str, id_number: str) -> str:
    """The normalised document number for its type (DocumentError names what is wrong)."""
    return validate_document(id_type, id_number)


def check_phone(phone: str) -> str:
    """
    >>> check_phone("138 0013-8000")
    '13800138000'
    """
    phone = re.sub(r"[\s\-()]", "", phone)
    if not _PHONE.match(phone):
        raise PersonInvalid("phone must be 5 to 20 digits (optionally with a leading +)", field="phone")
    return phone


def check_email(email: str | None) -> str | None:
    if email is None or email.strip() == "":
        return None
    email = email.strip()
    if not _EMAIL.match(email):
        raise PersonInvalid("email address is malformed", field="email")
    return email
