"""Log lines are redacted: an exception that echoes a record, or a number shaped like an ID,
phone or email, never reaches the log in clear."""

from __future__ import annotations

import io
import json
import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from carrier_gateway.logs import JsonFormatter
from provisioning.privacy import redact as redaction
from provisioning.privacy.redact import redact
from provisioning.registrations.records import Subject

PERSON = {"type": "INDIVIDUAL", "name": "欧阳明月", "id_type": "RESIDENT_ID", "id_number": "11010519491231002X",
          "phone": "13912345678", "address": "北京市朝阳区某街1号"}


@pytest.mark.parametrize(("text", "expected"), [
    ("id 11010519491231002x.", "id 110105********002x."),
    ("call +8613912345678 now", "call +86*******5678 now"),
    ("iccid 89860012345678901236 imsi 460001234567890 msisdn 1440012345678 imei 356938035643809",
     "iccid 89860012345678901236 imsi 460001234567890 msisdn 1440012345678 imei 356938035643809"),
    ("request id 0193a1b2c3d4e5f6a7b8c9d0e1f2a3b4", "request id 0193a1b2c3d4e5f6a7b8c9d0e1f2a3b4"),
])
def test_redact(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_a_logged_validation_error_does_not_echo_the_record() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    log = logging.getLogger("test.redact")
    log.addHandler(handler)
    log.propagate = False
    try:
        try:
            Subject.model_validate(PERSON)  # no id_expires: fails, echoing its input
        except ValidationError as exc:
            assert "朝阳区某街" in str(exc)
            log.exception("worker step failed for %s", PERSON["phone"], extra={"who": PERSON["id_number"]})
    finally:
        log.removeHandler(handler)
    line = stream.getvalue()
    event = json.loads(line)
    assert "input_value=<redacted>" in event["exc"] and event["who"] == "110105********002X"
    for value in ("欧阳明月", "11010519491231002X", "13912345678", "朝阳区某街"):
        assert value not in line


_PIECES = st.one_of(
    st.text(max_size=12),
    st.from_regex(r"\d{9,19}[Xx]?", fullmatch=True),
    st.from_regex(r"(\+86)?1[2-9]\d{8,10}", fullmatch=True),
    st.from_regex(r"[a-z.]{0,8}@[a-z]{1,6}\.[a-z]{1,4}", fullmatch=True),
    st.sampled_from(["input_value='张三'", 'input_value="x"', "input_value={'a': 1}, input_type=dict", " ", ","]),
)


@given(st.lists(_PIECES, max_size=8).map("".join))
def test_the_quick_check_never_lets_through_what_the_patterns_would_mask(text: str) -> None:
    full = redaction._INPUT_VALUE.sub("input_value=<redacted>", text)
    full = redaction._RESIDENT_ID.sub(lambda m: redaction.mask_id_number(m.group(0)) or "", full)
    full = redaction._MOBILE.sub(lambda m: redaction.mask_phone(m.group(0)) or "", full)
    full = redaction._EMAIL.sub(lambda m: redaction.mask_email(m.group(0)) or "", full)
    assert redaction.redact(text) == full
