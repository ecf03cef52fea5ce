"""Valid registration records (docs/oem-api.md#the-registration-record), each VIN and identity document new.

A record names its card by a placeholder; the driver fills in the ICCID (or MSISDN)
once the cards exist. Dates are drawn relative to ``today`` so a record that is meant
to pass stays valid whatever day the run is on.

>>> import datetime, random
>>> from provisioning.registrations.policy import Policy
>>> from provisioning.registrations.records import RegistrationRecord
>>> from provisioning.registrations.rules import check_record
>>> maker = Maker(random.Random(3), today=datetime.date(2026, 11, 20), min_age=16)
>>> rec = RegistrationRecord.model_validate({**maker.sale(), "iccid": "89860400000000000015"})
>>> check_record(rec, today=datetime.date(2026, 11, 20), policy=Policy()).reasons
[]
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from provisioning.documents import fake, fake_names
from provisioning.documents.dispatch import identity_key

Record = dict[str, Any]
#: individual document types drawn for valid records, with weights
ID_TYPES = (("RESIDENT_ID", 70), ("HOUSEHOLD_REGISTER", 4), ("HMT_RESIDENCE_PERMIT", 6), ("HK_MACAO_PERMIT", 5),
            ("TAIWAN_PERMIT", 3), ("FOREIGN_PASSPORT", 6), ("FOREIGN_PERMANENT_RESIDENT", 4), ("MILITARY_ID", 2))
METHODS = ("ID_CARD_READER", "ONLINE_IDENTITY_CHECK", "FACE_LIVENESS", "IN_PERSON")
_FOREIGN = {"FOREIGN_PASSPORT", "FOREIGN_PERMANENT_RESIDENT"}
_BORN_IN = {"RESIDENT_ID", "HOUSEHOLD_REGISTER", "HMT_RESIDENCE_PERMIT", "FOREIGN_PERMANENT_RESIDENT"}
BACKFILL_FROM, BACKFILL_TO = dt.date(2019, 1, 1), dt.date(2022, 9, 30)


@dataclasses.dataclass
class Maker:
    """Draws records from one ``random.Random``; remembers every VIN, IMEI and
    document it handed out so none repeats (a repeat would bind or cap by accident)."""

    rng: random.Random
    today: dt.date
    min_age: int = 16
    #: the stage records get unless told otherwise (BACKFILL while drawing a job's lines)
    stage: str = "AT_SALE"
    used: set[str] = dataclasses.field(default_factory=set)

    def fresh(self, kind: str, make: Callable[[], str], key: Callable[[str], str] = lambda v: v) -> str:
        while True:
            value = make()
            tag = f"{kind}:{key(value)}"
            if tag not in self.used:
                self.used.add(tag)
                return value

    # -- parts ---------------------------------------------------------------------------
    @property
    def adult_born_to(self) -> dt.date:
        return min(fake.ADULT_TO, self.today - dt.timedelta(days=366 * (self.min_age + 1)))

    def resident_id(self, **kw: Any) -> str:
        kw.setdefault("born_to", self.adult_born_to)
        return self.fresh("doc", lambda: fake.resident_id(self.rng, **kw), lambda n: n[:17])

    def document(self, id_type: str) -> str:
        if id_type in ("RESIDENT_ID", "HOUSEHOLD_REGISTER"):
            return self.resident_id()
        if id_type in _BORN_IN:
            maker = fake.residence_permit if id_type == "HMT_RESIDENCE_PERMIT" else fake.permanent_resident
            return self.fresh("doc", lambda: maker(self.rng, born_to=self.adult_born_to),
                              lambda n: identity_key(id_type, n, today=self.today))
        return self.fresh("doc", lambda: fake.document(self.rng, id_type),
                          lambda n: identity_key(id_type, n, today=self.today))

    def vin(self) -> str:
        return self.fresh("vin", lambda: fake.vin(self.rng))

    def imei(self) -> str:
        return self.fresh("imei", lambda: fake.imei(self.rng))

    def uscc(self) -> str:
        return self.fresh("uscc", lambda: fake.uscc(self.rng))

    def phone(self) -> str:
        return f"1{self.rng.choice('3456789')}{self.rng.randint(0, 999_999_999):09d}"

    def name(self, id_type: str = "RESIDENT_ID") -> str:
        if id_type in _FOREIGN:
            return fake_names.latin_name(self.rng)
        return fake_names.chinese_name(self.rng, minority_share=0.08)

    def expires(self) -> str:
        if self.rng.random() < 0.15:
            return "LONG_TERM"
        return (self.today + dt.timedelta(days=self.rng.randint(200, 7000))).isoformat()

    def address(self) -> str:
        city, district = self.rng.choice(fake_names.ORG_PREFIX), self.rng.choice("东西南北中")
        return f"{city}市{district}区某路{self.rng.randint(1, 999)}号"

    # -- subjects ------------------------------------------------------------------------
    def person(self) -> dict[str, Any]:
        """An agent or responsible person: resident ID holder."""
        return {"name": self.name(), "id_type": "RESIDENT_ID", "id_number": self.resident_id(),
                "phone": self.phone()}

    def individual(self, id_type: str | None = None) -> dict[str, Any]:
        if id_type is None:
            types, weights = zip(*ID_TYPES, strict=True)
            id_type = self.rng.choices(types, weights)[0]
        return {"type": "INDIVIDUAL", "name": self.name(id_type), "id_type": id_type,
                "id_number": self.document(id_type), "id_expires": self.expires(), "address": self.address(),
                "phone": self.phone()}

    def organization(self) -> dict[str, Any]:
        return {"type": "ORGANIZATION", "name": fake_names.organization_name(self.rng), "uscc": self.uscc(),
                "address": self.address(), "agent": self.person(), "responsible_person": self.person()}

    # -- records -------------------------------------------------------------------------
    def sold_at(self, stage: str) -> dt.date:
        if stage == "BACKFILL":
            return fake.birth_between(self.rng, BACKFILL_FROM, BACKFILL_TO)
        return self.today - dt.timedelta(days=self.rng.randint(0, 30))

    def record(self, subject: dict[str, Any], *, stage: str | None = None, imei: bool = True,
               vin: str | None = None, device: str | None = None) -> Record:
        stage = stage or self.stage
        sold = self.sold_at(stage)
        out: Record = {"stage": stage, "vin": vin or self.vin(), "sold_at": sold.isoformat(), "subject": subject,
                       "oem_verification": {"method": self.rng.choice(METHODS),
                                            "verified_at": f"{sold.isoformat()}T{self.rng.randint(9, 20):02d}:"
                                                           f"{self.rng.randint(0, 59):02d}:00+08:00"}}
        if imei:
            out["imei"] = device or self.imei()
        return out

    def sale(self, *, organization_share: float = 0.12, imei: bool = True) -> Record:
        """A record that passes every check against a fresh card of the pushing OEM."""
        subject = self.organization() if self.rng.random() < organization_share else self.individual()
        return self.record(subject, imei=imei)
