"""Person and organisation names (provisioning.documents.names / org_names)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.exceptions import InvalidFormat, InvalidLength

from provisioning.documents import checks
from provisioning.documents.errors import NAME_INVALID, DocumentError
from provisioning.documents.names import (
    is_chinese_name,
    is_valid_person_name,
    normalise_name,
    validate_person_name,
)
from provisioning.documents.org_names import is_valid_organization_name, validate_organization_name

PERSON_VALID = [
    ("张三", "张三"),
    ("欧阳娜娜", "欧阳娜娜"),
    (" 王小明\n", "王小明"),  # surrounding whitespace dropped
    ("阿卜杜·热合曼", "阿卜杜·热合曼"),
    ("阿卜杜•热合曼", "阿卜杜·热合曼"),  # U+2022 bullet
    ("阿卜杜・热合曼", "阿卜杜·热合曼"),  # U+30FB katakana middle dot
    ("阿卜杜．热合曼", "阿卜杜·热合曼"),  # U+FF0E full-width full stop
    ("阿卜杜.热合曼", "阿卜杜·热合曼"),  # ASCII full stop
    ("阿卜杜‧热合曼", "阿卜杜·热合曼"),  # U+2027 hyphenation point
    ("阿卜杜･热合曼", "阿卜杜·热合曼"),  # U+FF65 half-width katakana middle dot
    ("买买提·艾力·吐尔逊", "买买提·艾力·吐尔逊"),
    ("王⼩明", "王小明"),  # U+2F29 Kangxi radical small, folded by NFKC
    ("李𠀀", "李𠀀"),  # CJK extension B
    ("John Smith", "John Smith"),
    ("Seán  O’Brien-Smith", "Seán O'Brien-Smith"),  # whitespace run, curly apostrophe
    ("J. R. R. Tolkien", "J. R. R. Tolkien"),
    ("Martin Luther King Jr.", "Martin Luther King Jr."),
    ("Ｊｏｈｎ Ｓｍｉｔｈ", "John Smith"),  # full-width Latin
    ("Zoë Łukasz-Müller", "Zoë Łukasz-Müller"),
    ("Nguye\u0302\u0303n Van", "Nguyễn Van"),  # combining marks composed by NFKC
    ("Li", "Li"),
    ("ＪＯＨＮ ＳＭＩＴＨ", "JOHN SMITH"),  # full-width capitals
    ("\uf900三", "\u8c48三"),  # CJK compatibility ideograph folded to the unified one
    ("阿卜杜⸱热合曼", "阿卜杜·热合曼"),  # U+2E31 word separator middle dot
    ("阿卜杜ꞏ热合曼", "阿卜杜·热合曼"),  # U+A78F Latin letter sinological dot
    ("阿卜杜ㆍ热合曼", "阿卜杜·热合曼"),  # U+318D Hangul araea, a Korean keyboard's dot
    ("阿卜杜\u0387热合曼", "阿卜杜·热合曼"),  # U+0387 Greek ano teleia
    ("阿卜杜∙热合曼", "阿卜杜·热合曼"),  # U+2219 bullet operator
    ("阿卜杜⋅热合曼", "阿卜杜·热合曼"),  # U+22C5 dot operator
]


@pytest.mark.parametrize(("raw", "expected"), PERSON_VALID)
def test_person_names_valid(raw: str, expected: str) -> None:
    assert validate_person_name(raw) == expected
    assert is_valid_person_name(raw)


PERSON_INVALID = [
    ("digit_chinese", "张3", InvalidFormat, "contains a digit"),
    ("digit_latin", "John Smith 2", InvalidFormat, "contains a digit"),
    ("full_width_digit", "张３", InvalidFormat, "contains a digit"),
    ("circled_digit", "张①", InvalidFormat, "contains a digit"),
    ("control_character", "张\x07三", InvalidFormat, "control, invisible"),
    ("newline_inside", "张\n三", InvalidFormat, "control, invisible"),
    ("zero_width_space", "张\u200b三", InvalidFormat, "control, invisible"),
    ("private_use_rare_character", "张\ue000", InvalidFormat, "private-use"),
    ("mixed_scripts", "张John", InvalidFormat, "mixes Chinese characters with Latin letters"),
    ("space_in_chinese_name", "张 三", InvalidFormat, "contains a space"),
    ("ideographic_space", "张\u3000三", InvalidFormat, "contains a space"),
    ("leading_dot", "·热合曼", InvalidFormat, "middle dot"),
    ("trailing_dot", "热合曼·", InvalidFormat, "middle dot"),
    ("double_dot", "阿卜杜··热合曼", InvalidFormat, "middle dot"),
    ("hyphen_in_chinese_name", "阿卜杜-热合曼", InvalidFormat, "other than Chinese characters"),
    ("single_chinese_character", "张", InvalidLength, "1 characters, expected 2 to 30"),
    ("chinese_31_characters", "张" * 31, InvalidLength, "31 characters, expected 2 to 30"),
    ("single_latin_letter", "J", InvalidLength, "1 characters, expected 2 to 100"),
    ("latin_101_characters", "A" * 101, InvalidLength, "101 characters, expected 2 to 100"),
    ("empty", "", InvalidLength, "empty"),
    ("whitespace_only", "   ", InvalidLength, "empty"),
    ("cyrillic", "Иван Петров", InvalidFormat, "other than Chinese characters or Latin letters"),
    ("at_sign", "john@smith", InvalidFormat, "other than Chinese characters or Latin letters"),
    ("leading_hyphen", "-John", InvalidFormat, "start with a letter"),
    ("double_hyphen", "Mary--Jane", InvalidFormat, "start with a letter"),
    ("lone_apostrophe_word", "O ' Brien", InvalidFormat, "start with a letter"),
    ("not_a_string", 42, InvalidFormat, "must be a string"),
    # the middle dot, however typed, belongs to Chinese names only
    ("bullet_in_latin_name", "John•Smith", InvalidFormat, "other than Chinese characters or Latin letters"),
    ("sinological_dot_in_latin_name", "JohnꞏSmith", InvalidFormat, "other than Chinese characters or Latin"),
    ("middle_dot_in_latin_name", "John·Smith", InvalidFormat, "other than Chinese characters or Latin letters"),
    ("bidi_override", "\u202e张三", InvalidFormat, "control, invisible"),
    ("bidi_override_latin", "\u202eJohn Smith", InvalidFormat, "control, invisible"),
]


@pytest.mark.parametrize(("case", "name", "error", "message"), PERSON_INVALID, ids=[r[0] for r in PERSON_INVALID])
def test_person_names_invalid(case: str, name: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        validate_person_name(name)
    assert not is_valid_person_name(name)


@pytest.mark.parametrize(("raw", "expected"), PERSON_VALID)
def test_a_valid_name_is_stored_as_it_was_checked(raw: str, expected: str) -> None:
    """normalise_name (what is stored and indexed) gives exactly what the check approves."""
    assert normalise_name(raw) == expected
    assert validate_person_name(normalise_name(raw)) == normalise_name(raw)


@pytest.mark.parametrize("dot", ["•", "・", "･", "‧", "∙", "⋅", "⸱", "⸳", "ꞏ", "ㆍ", "᛫", "ᐧ", "⦁", "\u0387", "．",
                                 "."])
def test_every_middle_dot_look_alike_becomes_u00b7(dot: str) -> None:
    assert normalise_name(f"买买提{dot}艾力") == "买买提·艾力"


def test_normalising_keeps_what_the_rules_refuse() -> None:
    """Normalising never hides a fault: the check still names it (NAME_INVALID)."""
    for raw in ("\u202e张三", "张\u200b三", "John\tSmith", "John•Smith"):
        with pytest.raises(DocumentError) as caught:
            checks.validate_person_name(normalise_name(raw))
        assert caught.value.code == NAME_INVALID and caught.value.field == "name"
    assert normalise_name("\u202e张三") == "\u202e张三"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
       | st.text(alphabet="张三阿卜 .·•・ꞏ'’ＪｏｈｎJohn\u3000\uf900\u202e\u0301", max_size=20))
def test_normalising_is_idempotent_and_judged_alike(text: str) -> None:
    once = normalise_name(text)
    assert normalise_name(once) == once
    assert is_valid_person_name(text) == is_valid_person_name(once)
    if is_valid_person_name(text):
        assert validate_person_name(text) == once


def test_longest_names_allowed() -> None:
    assert validate_person_name("张" * 30) == "张" * 30
    assert validate_person_name("A" * 100) == "A" * 100


def test_is_chinese_name() -> None:
    assert is_chinese_name("阿卜杜·热合曼") and not is_chinese_name("John Smith")


ORG_VALID = [
    ("比亚迪汽车工业有限公司", "比亚迪汽车工业有限公司"),
    ("比亚迪汽车工业有限公司(深圳分公司)", "比亚迪汽车工业有限公司（深圳分公司）"),
    ("比亚迪汽车工业有限公司（深圳分公司）", "比亚迪汽车工业有限公司（深圳分公司）"),
    ("上汽大众汽车有限公司第2工厂", "上汽大众汽车有限公司第2工厂"),
    ("BMW Brilliance  Automotive Ltd.", "BMW Brilliance Automotive Ltd."),
    ("Acme Automotive (China) Co., Ltd.", "Acme Automotive (China) Co., Ltd."),
    ("Ａｃｍｅ Ｍｏｔｏｒｓ （Ｃｈｉｎａ）", "Acme Motors (China)"),
    ("蔚来汽车（安徽）有限公司", "蔚来汽车（安徽）有限公司"),
    ("A&B 汽车服务中心", "A&B 汽车服务中心"),
    ("新疆阿卜杜•热合曼汽车修理部", "新疆阿卜杜·热合曼汽车修理部"),
]


@pytest.mark.parametrize(("raw", "expected"), ORG_VALID)
def test_organization_names_valid(raw: str, expected: str) -> None:
    assert validate_organization_name(raw) == expected
    assert is_valid_organization_name(raw)


ORG_INVALID = [
    ("unbalanced_open", "某某科技（北京有限公司", InvalidFormat, "unbalanced brackets"),
    ("unbalanced_close", "某某科技)北京(有限公司", InvalidFormat, "unbalanced brackets"),
    ("control_character", "某某\t科技有限公司", InvalidFormat, "control, invisible"),
    ("zero_width_joiner", "某某\u200d科技", InvalidFormat, "control, invisible"),
    ("digits_only", "12345", InvalidFormat, "no Chinese character or Latin letter"),
    ("emoji", "某某科技🚗有限公司", InvalidFormat, "other than Chinese characters"),
    ("square_brackets", "某某科技【北京】有限公司", InvalidFormat, "other than Chinese characters"),
    ("one_character", "某", InvalidLength, "1 characters, expected 2 to 150"),
    ("too_long", "某" * 151, InvalidLength, "151 characters, expected 2 to 150"),
]


@pytest.mark.parametrize(("case", "name", "error", "message"), ORG_INVALID, ids=[r[0] for r in ORG_INVALID])
def test_organization_names_invalid(case: str, name: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        validate_organization_name(name)
    assert not is_valid_organization_name(name)
