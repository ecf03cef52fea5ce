"""Last-line defence for free text that leaves the process (log lines, tracebacks).

Nothing should put personal data into a log in the first place; this catches what an
exception message might carry anyway: pydantic's ``input_value=...`` echo, and anything
shaped like a mainland ID number, a mobile phone number or an email address (masked as
on every other output). ICCIDs, IMSIs, IMEIs and IoT MSISDNs do not match: their lengths
or prefixes differ.

>>> redact("1 validation error for Subject name  Value error [type=value_error, input_value='张三', input_type=str]")
'1 validation error for Subject name  Value error [type=value_error, input_value=<redacted>, input_type=str]'
>>> redact("holder 11010519491231002X phone 13800138000 mail zhang.san@example.com iccid 89860012345678901236")
'holder 110105********002X phone 138****8000 mail z********@example.com iccid 89860012345678901236'
"""

from __future__ import annotations

import re

from provisioning.privacy.masking import mask_email, mask_id_number, mask_phone

_INPUT_VALUE = re.compile(r"input_value=(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|\{.*?\}(?=, input_type=)|[^,\]]*)")
_RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86)?1[3-9]\d{9}(?![0-9])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}")
#: what every pattern above needs somewhere in the text: most log fields (a method, a
#: route, a request id) have none of it, and one search clears them
_SUSPECT = re.compile(r"input_value=|@|\d{11}")


def redact(text: str) -> str:
    if not text or not _SUSPECT.search(text):
        return text
    text = _INPUT_VALUE.sub("input_value=<redacted>", text)
    text = _RESIDENT_ID.sub(lambda m: mask_id_number(m.group(0)) or "", text)
    text = _MOBILE.sub(lambda m: mask_phone(m.group(0)) or "", text)
    return _EMAIL.sub(lambda m: mask_email(m.group(0)) or "", text)
