"""Broken records: each kind breaks exactly one rule, so it earns exactly one reason
code (or, for ``SCHEMA_REFUSED``, is refused at the door and stored nowhere).

>>> import datetime, random
>>> from provisioning.simulation.records import Maker
>>> maker = Maker(random.Random(5), today=datetime.date(2026, 11, 20))
>>> bad = broken(maker, "HOLDER_UNDERAGE")
>>> bad.code, bad.card_effect
('HOLDER_UNDERAGE', 'REJECTED')
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from provisioning.documents import fake
from provisioning.simulation.records import Maker, Record

#: the identity authority's sandbox answers (docs/domain.md#sandbox-identity-authority)
MISMATCH_MARK = "不符"
OUTAGE_MARK = "超时"


@dataclasses.dataclass(frozen=True)
class Broken:
    record: Record
    #: the one reason code expected (SCHEMA_INVALID too for a record refused at the door)
    code: str
    #: what happens to the card pushed with it: REJECTED (sold, real-name REJECTED),
    #: UNTOUCHED (stays in stock: not this OEM's card, or the record was never stored)
    card_effect: str = "REJECTED"
    #: False when the API refuses the record before storing it
    stored: bool = True
    #: the record does not name the card it was drawn for (it names one that does not exist)
    foreign_card: bool = False


def _individual(maker: Maker, **subject: object) -> Record:
    base = maker.individual("RESIDENT_ID")
    base.update(subject)
    return maker.record(base)


def _expired(m: Maker) -> Broken:
    gone = m.today - dt.timedelta(days=m.rng.randint(1, 2000))
    return Broken(_individual(m, id_expires=gone.isoformat()), "ID_EXPIRED")


def _bad_check_digit(m: Maker) -> Broken:
    return Broken(_individual(m, id_number=fake.corrupt_check("resident_id", m.resident_id())), "ID_NUMBER_INVALID")


def _underage(m: Maker) -> Broken:
    young = m.resident_id(born_from=m.today - dt.timedelta(days=max(365 * (m.min_age - 1), 300)),
                          born_to=m.today - dt.timedelta(days=200))
    return Broken(_individual(m, id_number=young), "HOLDER_UNDERAGE")


def _bad_vin(m: Maker) -> Broken:
    return Broken(m.record(m.individual(), vin=fake.corrupt_check("vin", m.vin())), "VIN_INVALID")


def _bad_imei(m: Maker) -> Broken:
    return Broken(m.record(m.individual(), device=fake.corrupt_check("imei", m.imei())), "IMEI_INVALID")


def _digit_in_name(m: Maker) -> Broken:
    return Broken(_individual(m, name=m.name()[:1] + str(m.rng.randint(1, 9))), "NAME_INVALID")


def _mismatch(m: Maker) -> Broken:
    if m.rng.random() < 0.3:  # an organisation: the authority checks its agent
        subject = m.organization()
        subject["agent"]["name"] = subject["agent"]["name"][:1] + MISMATCH_MARK
        return Broken(m.record(subject), "IDENTITY_MISMATCH")
    return Broken(_individual(m, name=m.name()[:1] + MISMATCH_MARK), "IDENTITY_MISMATCH")


def _no_agent(m: Maker) -> Broken:
    subject = m.organization()
    del subject["agent"]
    return Broken(m.record(subject), "AGENT_REQUIRED")


def _bad_uscc(m: Maker) -> Broken:
    subject = m.organization()
    subject["uscc"] = fake.corrupt_check("uscc", subject["uscc"])
    return Broken(m.record(subject), "USCC_INVALID")


def _unsupported_document(m: Maker) -> Broken:
    return Broken(_individual(m, id_type="DRIVING_LICENCE", id_number=f"{m.rng.randint(10**11, 10**12 - 1)}"),
                  "ID_TYPE_UNSUPPORTED")


def _sold_in_future(m: Maker) -> Broken:
    record = m.record(m.individual())
    record["sold_at"] = (m.today + dt.timedelta(days=m.rng.randint(3, 60))).isoformat()
    return Broken(record, "SCHEMA_INVALID")


def _unknown_card(m: Maker) -> Broken:
    record = m.record(m.individual())
    record["iccid"] = m.fresh("iccid", lambda: f"89869900{m.rng.randint(0, 10**12 - 1):012d}")
    return Broken(record, "CARD_NOT_FOUND", card_effect="UNTOUCHED", foreign_card=True)


def _owner_change_of_unsold(m: Maker) -> Broken:
    return Broken(m.record(m.individual(), stage="OWNER_CHANGE"), "CARD_STATE_CONFLICT", card_effect="UNTOUCHED")


def _missing_vin(m: Maker) -> Broken:
    record = m.record(m.individual())
    del record["vin"]
    return Broken(record, "SCHEMA_INVALID", card_effect="UNTOUCHED", stored=False)


KINDS: dict[str, Callable[[Maker], Broken]] = {
    "ID_EXPIRED": _expired,
    "ID_CHECK_DIGIT": _bad_check_digit,
    "HOLDER_UNDERAGE": _underage,
    "VIN_CHECK_DIGIT": _bad_vin,
    "IMEI_CHECK_DIGIT": _bad_imei,
    "DIGIT_IN_NAME": _digit_in_name,
    "IDENTITY_MISMATCH": _mismatch,
    "ORGANIZATION_WITHOUT_AGENT": _no_agent,
    "USCC_CHECK_DIGIT": _bad_uscc,
    "UNSUPPORTED_DOCUMENT": _unsupported_document,
    "SOLD_IN_FUTURE": _sold_in_future,
    "UNKNOWN_CARD": _unknown_card,
    "OWNER_CHANGE_OF_UNSOLD_CARD": _owner_change_of_unsold,
    "SCHEMA_REFUSED": _missing_vin,
}


def broken(maker: Maker, kind: str) -> Broken:
    """A record broken the ``kind`` way (a key of KINDS, or a reason code it earns)."""
    by_code = {"ID_NUMBER_INVALID": "ID_CHECK_DIGIT", "VIN_INVALID": "VIN_CHECK_DIGIT",
               "IMEI_INVALID": "IMEI_CHECK_DIGIT", "NAME_INVALID": "DIGIT_IN_NAME",
               "AGENT_REQUIRED": "ORGANIZATION_WITHOUT_AGENT", "USCC_INVALID": "USCC_CHECK_DIGIT",
               "ID_TYPE_UNSUPPORTED": "UNSUPPORTED_DOCUMENT", "CARD_NOT_FOUND": "UNKNOWN_CARD",
               "CARD_STATE_CONFLICT": "OWNER_CHANGE_OF_UNSOLD_CARD"}
    return KINDS[by_code.get(kind, kind)](maker)


def outage(maker: Maker) -> Record:
    """A valid record whose holder the sandbox authority never answers for: stays PENDING."""
    subject = maker.individual("RESIDENT_ID")
    subject["name"] = subject["name"][:1] + OUTAGE_MARK
    return maker.record(subject)
