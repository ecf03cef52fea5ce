"""De-identified display of personal data (PIPL): what every output shows by default.

>>> mask_id_number("11010519491231002X")
'110105********002X'
>>> mask_name("张三"), mask_name("张"), mask_name("\u202e张三")
('张*', '*', '张*')
>>> mask_name("阿卜杜·热合曼")
'阿******'
>>> mask_name("John Smith")
'J*** S****'
>>> mask_phone("13800138000")
'138****8000'
>>> mask_email("zhang.san@example.com")
'z********@example.com'

Nothing masked is ever shown whole (a one-character name or word is ``*``), and no
masked output keeps a control or format character (Unicode category Cc/Cf: bidi
overrides such as U+202E, zero-width characters): those could reorder or hide what
an operator reads, so they are dropped before masking.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

_STAR = "*"
_HIDDEN = frozenset({"Cc", "Cf"})


def visible(text: str) -> str:
    """``text`` without control and format characters.

    >>> visible("\\u202eabc\\u200b\\n")
    'abc'
    """
    if text.isascii() and text.isprintable():
        return text  # the common case: nothing to drop
    return "".join(char for char in text if unicodedata.category(char) not in _HIDDEN)


def _first(word: str) -> str:
    """The first character and a star for every other; a single character is a star."""
    return word[:1] + _STAR * (len(word) - 1) if len(word) > 1 else _STAR * len(word)


def mask_id_number(number: str | None) -> str | None:
    if not number:
        return number
    number = visible(number)
    n = len(number)
    if n >= 15:
        return number[:6] + _STAR * (n - 10) + number[-4:]
    if n >= 8:
        return number[:2] + _STAR * (n - 4) + number[-2:]
    return _first(number)


def mask_name(name: str | None) -> str | None:
    if not name:
        return name
    shown = visible(name).strip()
    if not shown:
        return _STAR  # something was there: say so without showing it
    if shown.isascii():
        return " ".join(_first(part) for part in shown.split(" ") if part)
    return _first(shown)


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return phone
    phone = visible(phone)
    if len(phone) >= 11:
        return phone[:3] + _STAR * (len(phone) - 7) + phone[-4:]
    return phone[:2] + _STAR * max(len(phone) - 4, 1) + phone[-2:]


def mask_email(email: str | None) -> str | None:
    if not email or "@" not in email:
        return mask_name(email)
    local, _, domain = visible(email).partition("@")
    return _first(local) + "@" + domain


def mask_address(address: str | None) -> str | None:
    if not address:
        return address
    address = visible(address)
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
    name and address) stay readable, without control or format characters.

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
            out[key] = visible(value) if isinstance(value, str) else value  # identify no person
        elif key in _MASKERS and isinstance(value, str):
            out[key] = _MASKERS[key](value)
        elif isinstance(value, str):
            out[key] = visible(value)
        else:
            out[key] = value
    return out
