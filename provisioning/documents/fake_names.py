"""Deterministic person and organisation names for tests and the simulator.

>>> import random
>>> from provisioning.documents.names import validate_person_name
>>> name = chinese_name(random.Random(7), minority_share=1.0)
>>> '·' in name and validate_person_name(name) == name
True
"""

from __future__ import annotations

import random

SURNAMES = (
    "王",
    "李",
    "张",
    "刘",
    "陈",
    "杨",
    "赵",
    "黄",
    "周",
    "吴",
    "徐",
    "孙",
    "马",
    "朱",
    "胡",
    "郭",
    "林",
    "何",
    "高",
    "罗",
    "欧阳",
    "司马",
    "诸葛",
    "上官",
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰志华建国晓红玉梅子涵浩然思远雨欣嘉怡"
#: Parts of Uyghur and other minority names, joined with the middle dot U+00B7.
MINORITY_PARTS = (
    "阿卜杜",
    "热合曼",
    "买买提",
    "艾力",
    "古丽",
    "努尔",
    "阿依",
    "木拉提",
    "吐尔逊",
    "帕提古丽",
    "伊力哈木",
    "尼格买提",
    "迪丽热巴",
    "阿不都",
    "克里木",
    "艾合买提",
    "巴图",
    "那仁",
)
LATIN_GIVEN = (
    "John",
    "Maria",
    "Jean-Luc",
    "Anna",
    "José",
    "Søren",
    "Zoë",
    "Liam",
    "Fatima",
    "Hiroshi",
    "Mary-Jane",
    "Łukasz",
    "Ngozi",
    "Olga",
)
LATIN_FAMILY = (
    "Smith",
    "Müller",
    "O'Brien",
    "García",
    "Nguyen",
    "de la Cruz",
    "Kowalski",
    "Tanaka",
    "Dubois",
    "Okafor",
    "van der Berg",
    "D'Angelo",
    "Ivanova",
)
ORG_PREFIX = ("北京", "上海", "深圳", "广州", "重庆", "杭州", "长春", "合肥")
ORG_CORE = ("智行", "车联", "远航", "华腾", "星途", "博越", "领航", "鸿运")
ORG_KIND = ("汽车有限公司", "汽车销售服务有限公司", "新能源汽车股份有限公司", "智能科技有限公司")
LATIN_ORGS = ("Northwind Motors Ltd.", "Acme Automotive (China) Co., Ltd.", "Blue Sky Mobility GmbH")


def chinese_name(rng: random.Random, *, minority_share: float = 0.1) -> str:
    """A Han name (surname + 1-2 given characters), or with probability
    ``minority_share`` a minority name of 2-3 parts joined by ``·``."""
    if rng.random() < minority_share:
        return "·".join(rng.sample(MINORITY_PARTS, rng.randint(2, 3)))
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def latin_name(rng: random.Random) -> str:
    """A Latin-script name such as a foreign passport holder's."""
    return f"{rng.choice(LATIN_GIVEN)} {rng.choice(LATIN_FAMILY)}"


def organization_name(rng: random.Random) -> str:
    """A company name; mostly Chinese, sometimes with a branch in brackets."""
    if rng.random() < 0.1:
        return rng.choice(LATIN_ORGS)
    name = rng.choice(ORG_PREFIX) + rng.choice(ORG_CORE) + rng.choice(ORG_KIND)
    if rng.random() < 0.2:
        name += f"（{rng.choice(ORG_PREFIX)}分公司）"
    return name
