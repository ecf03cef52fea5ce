"""Masked output: never a name whole, never a control or format character."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provisioning.privacy.masking import mask_address, mask_email, mask_id_number, mask_name, mask_person, mask_phone


@pytest.mark.parametrize(("name", "masked"), [
    ("张", "*"),
    ("J", "*"),
    ("张三", "张*"),
    ("欧阳娜娜", "欧***"),
    ("阿卜杜·热合曼", "阿******"),
    ("John Smith", "J*** S****"),
    ("A B", "* *"),  # every word of one letter: the name would otherwise be shown whole
    ("J. R. R. Tolkien", "J* R* R* T******"),
    ("\u202e张三", "张*"),  # a leading bidi override is dropped, not kept as the shown character
    ("\u202eJohn Smith", "J*** S****"),
    ("张\u200b三", "张*"),
    ("\u202e", "*"),  # nothing visible: still not empty, so the reader knows a value is there
])
def test_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_other_maskers_drop_format_characters() -> None:
    assert mask_id_number("\u202e11010519491231002X") == "110105********002X"
    assert mask_phone("\u202e13800138000") == "138****8000"
    assert mask_email("\u202ezhang@exam\u200bple.com") == "z****@example.com"
    assert mask_email("a@example.com") == "*@example.com"
    assert mask_address("\u202e北京市朝阳区某街1号") == "北京市****"
    assert mask_id_number("X") == "*"


def test_mask_person_drops_format_characters_from_readable_fields_too() -> None:
    masked = mask_person({"type": "ORGANIZATION", "name": "某某\u202e汽车有限公司", "uscc": "9135\u2066",
                          "agent": {"name": "\u202e李", "phone": "13800138000"}})
    assert masked == {"type": "ORGANIZATION", "name": "某某汽车有限公司", "uscc": "9135",
                      "agent": {"name": "*", "phone": "138****8000"}}


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=30))
def test_no_masked_output_shows_a_name_whole_or_keeps_a_format_character(text: str) -> None:
    for masker in (mask_name, mask_id_number, mask_phone, mask_email, mask_address):
        out = masker(text) or ""
        assert not any(unicodedata.category(char) in ("Cc", "Cf") for char in out)
    masked = mask_name(text) or ""
    shown = [char for char in masked if char not in "* "]
    assert "*" in masked and len(shown) <= max(1, len(masked.split())), "at most one character per word is shown"
    assert all(char in text for char in shown), "what is shown comes from the name"
