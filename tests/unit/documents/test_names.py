"""Person and organisation names (provisioning.documents.names / org_names)."""

from __future__ import annotations

import re

import pytest
from stdnum.exceptions import InvalidFormat, InvalidLength

from provisioning.documents.names import is_chinese_name, is_valid_person_name, validate_person_name
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
]


@pytest.mark.parametrize(("case", "name", "error", "message"), PERSON_INVALID, ids=[r[0] for r in PERSON_INVALID])
def test_person_names_invalid(case: str, name: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        validate_person_name(name)
    assert not is_valid_person_name(name)


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
