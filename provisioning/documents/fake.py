"""Deterministic valid and invalid document numbers for tests and the simulator.

Every function takes a ``random.Random`` so a seed reproduces a run. Valid
values pass the matching ``validate``. :func:`corrupt_check`,
:func:`future_resident_id` and :func:`first_generation_id` make values that break
exactly one rule. Names are in :mod:`.fake_names`.

>>> import random
>>> from provisioning.documents import resident_id as ric
>>> ric.is_valid(resident_id(random.Random(1)))
True
"""

from __future__ import annotations

import datetime
import random
import string

from provisioning.documents import gb11643
from provisioning.documents import imei as imei_module
from provisioning.documents import uscc as uscc_module
from provisioning.documents import vin as vin_module

#: Real county-level region codes (Beijing, Shanghai, Shenzhen, Guangzhou,
#: Hangzhou, Nanjing, Chengdu, Wuhan, Xi'an, Chongqing, Urumqi, Lhasa, Harbin, Qingdao).
REGIONS = tuple(
    "110105 110108 310104 310115 440305 440106 330106 320106 510107 420106 610113 500103 650102 "
    "540102 230103 370202".split()
)
WMIS = ("LSV", "LFV", "LGB", "LVS", "LSG", "LHG", "LBV", "LDC", "LNB", "LRW")
TACS = ("35693803", "86420104", "35332811", "86891504", "35847631")
ADULT_FROM, ADULT_TO = datetime.date(1950, 1, 1), datetime.date(2006, 12, 31)
_CHECK_POSITIONS = {
    "resident_id": (17, "0123456789X"),
    "uscc": (17, uscc_module.ALPHABET),
    "vin": (8, "0123456789X"),
    "imei": (14, string.digits),
}


def birth_between(rng: random.Random, born_from: datetime.date, born_to: datetime.date) -> datetime.date:
    """A uniformly drawn date in ``[born_from, born_to]``."""
    return born_from + datetime.timedelta(days=rng.randint(0, (born_to - born_from).days))


def _gb11643(rng: random.Random, region: str, born: datetime.date) -> str:
    body = f"{region}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    return body + gb11643.calc_check_digit(body)


def resident_id(
    rng: random.Random,
    *,
    born_from: datetime.date = ADULT_FROM,
    born_to: datetime.date = ADULT_TO,
    region: str | None = None,
) -> str:
    """A mainland resident ID number born in ``[born_from, born_to]``."""
    return _gb11643(rng, region or rng.choice(REGIONS), birth_between(rng, born_from, born_to))


def residence_permit(
    rng: random.Random, *, born_from: datetime.date = ADULT_FROM, born_to: datetime.date = ADULT_TO
) -> str:
    """A Hong Kong/Macao/Taiwan residence permit number (region 81/82/83 0000)."""
    return _gb11643(rng, rng.choice(("810000", "820000", "830000")), birth_between(rng, born_from, born_to))


def permanent_resident(
    rng: random.Random, *, born_from: datetime.date = ADULT_FROM, born_to: datetime.date = ADULT_TO
) -> str:
    """A 2023-format foreign permanent resident ID: 9, province, nationality."""
    head = "9" + rng.choice(REGIONS)[:2] + rng.choice(("840", "826", "276", "392", "410", "036"))
    return _gb11643(rng, head, birth_between(rng, born_from, born_to))


def future_resident_id(rng: random.Random, today: datetime.date) -> str:
    """A resident ID, correct check character, born 1 to 3650 days after ``today``."""
    born = today + datetime.timedelta(days=rng.randint(1, 3650))
    return _gb11643(rng, rng.choice(REGIONS), born)


def first_generation_id(rng: random.Random) -> str:
    """A 15-digit first-generation number (region, YYMMDD, sequence)."""
    return (
        f"{rng.choice(REGIONS)}{birth_between(rng, ADULT_FROM, datetime.date(1999, 12, 31)):%y%m%d}"
        f"{rng.randint(0, 999):03d}"
    )


def uscc(rng: random.Random, *, authority: str | None = None) -> str:
    """A USCC; about one in five comes from authority A, N or Y."""
    authority = authority or rng.choice("9999999915ANY")
    entity = rng.choice({"9": "123", "1": "1239", "5": "1239", "A": "19", "N": "1239", "Y": "1"}.get(authority, "1"))
    organisation = "".join(rng.choice(uscc_module.ALPHABET) for _ in range(9))
    body = authority + entity + rng.choice(REGIONS) + organisation
    return body + uscc_module.calc_check_digit(body)


def vin(rng: random.Random) -> str:
    """A VIN with a Chinese WMI, a model-year code and a correct check digit."""
    vds = "".join(rng.choice(vin_module.ALPHABET) for _ in range(5))
    tail = rng.choice(vin_module.YEAR_CODES) + rng.choice(vin_module.ALPHABET) + f"{rng.randint(0, 999999):06d}"
    return vin_module.with_check_digit(rng.choice(WMIS) + vds + "0" + tail)


def imei(rng: random.Random) -> str:
    """A 15-digit IMEI with a realistic TAC and its Luhn digit."""
    body = rng.choice(TACS) + f"{rng.randint(0, 999999):06d}"
    return body + imei_module.calc_check_digit(body)


def passport(rng: random.Random) -> str:
    """A passport number in one of a few common national layouts."""
    layout = rng.randrange(3)
    if layout == 0:
        return rng.choice("EGP") + f"{rng.randint(0, 99999999):08d}"
    if layout == 1:
        return f"{rng.randint(100000000, 999999999)}"
    return "".join(rng.choice(string.ascii_uppercase) for _ in range(2)) + f"{rng.randint(0, 9999999):07d}"


def hk_macao_permit(rng: random.Random) -> str:
    """``H`` or ``M``, 8 digits, sometimes a 2-digit issue count."""
    number = rng.choice("HM") + f"{rng.randint(0, 99999999):08d}"
    return number + (f"{rng.randint(0, 99):02d}" if rng.random() < 0.3 else "")


def taiwan_permit(rng: random.Random) -> str:
    """An 8-digit lifelong Taiwan permit number."""
    return f"{rng.randint(0, 99999999):08d}"


def military_id(rng: random.Random) -> str:
    """A certificate-form number such as ``南字第20230001号``."""
    return f"{rng.choice('南北政后装武')}字第{rng.randint(10000000, 99999999)}号"


def document(rng: random.Random, id_type: str) -> str:
    """A valid number for any supported ``id_type``."""
    makers = {
        "RESIDENT_ID": resident_id,
        "TEMP_RESIDENT_ID": resident_id,
        "HOUSEHOLD_REGISTER": resident_id,
        "MILITARY_ID": military_id,
        "ARMED_POLICE_ID": military_id,
        "HK_MACAO_PERMIT": hk_macao_permit,
        "TAIWAN_PERMIT": taiwan_permit,
        "HMT_RESIDENCE_PERMIT": residence_permit,
        "FOREIGN_PASSPORT": passport,
        "FOREIGN_PERMANENT_RESIDENT": permanent_resident,
    }
    return makers[id_type](rng)


def corrupt_check(kind: str, number: str) -> str:
    """``number`` with its check character replaced by the next one in its
    alphabet (``kind``: resident_id, uscc, vin, imei); every other rule still holds."""
    position, alphabet = _CHECK_POSITIONS[kind]
    wrong = alphabet[(alphabet.index(number[position]) + 1) % len(alphabet)]
    return number[:position] + wrong + number[position + 1 :]
