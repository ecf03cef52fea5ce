"""De-identified display of personal data (PIPL): what every output shows by default.

>>> mask_id_number("11010519491231002X")
'110105********002X'
>>> mask_name("张三")
'张*'
>>> mask_name("阿卜杜·热合曼")
'阿******'
>>> mask_name("John Smith")
'J*** S****'
>>> mask_phone("13800138000")
'138****8000'
>>> mask_email("zhang.san@example.com")
'z********@example.com'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_STAR = "*"


def mask_id_number(number: str | None) -> str | None:
    if not number:
        return number
    n = len(number)
    if n >= 15:
        return number[:6] + _STAR * (n - 10) + number[-4:]
    if n >= 8:
        return number[:2] + _STAR * (n - 4) + number[-2:]
    return number[:1] + _STAR * (n - 1)


def mask_name(name: str | None) -> str | None:
    if not name:
        return name
    if name.isascii():
        return " ".join(part[:1] + _STAR * (len(part) - 1) for part in name.split(" "))
    return name[:1] + _STAR * (len(name) - 1)


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return phone
    if len(phone) >= 11:
        return phone[:3] + _STAR * (len(phone) - 7) + phone[-4:]
    return phone[:2] + _STAR * max(len(phone) - 4, 1) + phone[-2:]


def mask_email(email: str | None) -> str | None:
    if not email or "@" not in email:
        return mask_name(email)
    local, _, domain = email.partition("@")
    return local[:1] + _STAR * (len(local) - 1) + "@" + domain


def mask_address(address: str | None) -> str | None:
    if not address:
        return address
    keep = min(6, max(len(address) // 3, 1))
    return address[:keep] + _STAR * 4


_MASKERS = {
    "name": mask_name,
    "id_number": mask_id_number,
    "phone": mask_phone,
    "email": mask_email,
    "address": mask_address,
}


def mask_person(person: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Mask every personal field of a subject, agent or responsible person (nested too).

    Fields that identify nobody (type, id_type, id_expires, uscc, an organisation's own
    name and address) stay readable.

    >>> mask_person({"type": "ORGANIZATION", "name": "某某汽车有限公司", "uscc": "91350100M000100Y43",
    ...              "agent": {"name": "李四", "id_number": "11010519491231002X", "phone": "13800138000"}})
    ... # doctest: +NORMALIZE_WHITESPACE
    {'type': 'ORGANIZATION', 'name': '某某汽车有限公司', 'uscc': '91350100M000100Y43',
     'agent': {'name': '李*', 'id_number': '110105********002X', 'phone': '138****8000'}}
    """
    if person is None:
        return None
    out: dict[str, Any] = {}
    organisation = person.get("type") == "ORGANIZATION"
    for key, value in person.items():
        if isinstance(value, Mapping):
            out[key] = mask_person(value)
        elif organisation and key in ("name", "address"):
            out[key] = value  # an organisation's name and address identify no person
        elif key in _MASKERS and isinstance(value, str):
            out[key] = _MASKERS[key](value)
        else:
            out[key] = value
    return out
