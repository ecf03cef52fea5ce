"""The whole inspection report: metadata, one section per enterprise, totals, and the
findings (violations: must be zero; warnings: to chase)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from provisioning.reports.data_use import DataUse
from provisioning.reports.model import (
    BACKFILL_FIELDS,
    REPORT_VERSION,
    Cards,
    IpUse,
    NumberUse,
    Registrations,
    Roster,
    iso,
)


@dataclasses.dataclass
class EnterpriseReport:
    enterprise_id: int
    name: str
    uscc: str
    kind: str
    authorized_by: int | None
    authorized_by_name: str | None
    authorized_until: dt.date | None
    cards: Cards
    registrations: Registrations
    backfill: dict[str, int]
    active_unverified: int
    active_unverified_sample: list[str]
    numbers: NumberUse
    ip: IpUse
    roster: Roster
    #: data its cards used, as the packet gateways accounted it
    data: DataUse = dataclasses.field(default_factory=DataUse)

    def to_dict(self) -> dict[str, Any]:
        authoriser = None
        if self.authorized_by is not None:
            authoriser = {"enterprise_id": self.authorized_by, "name": self.authorized_by_name,
                          "until": iso(self.authorized_until)}
        return {
            "enterprise_id": self.enterprise_id, "name": self.name, "uscc": self.uscc, "kind": self.kind,
            "authorized_by": authoriser,
            "cards": self.cards.to_dict(),
            "funnel": self.cards.funnel(),
            "registrations": self.registrations.to_dict(),
            "backfill": {k: self.backfill.get(k, 0) for k in BACKFILL_FIELDS},
            "active_without_verified_registration": {"count": self.active_unverified,
                                                     "sample_iccids": list(self.active_unverified_sample)},
            "numbers": self.numbers.to_dict(),
            "ip": self.ip.to_dict(),
            "roster": self.roster.to_dict(),
            "data_usage": self.data.to_dict(),
        }


@dataclasses.dataclass(frozen=True)
class Finding:
    """A violation or a warning about one enterprise; ``iccids`` is a sample (not personal data).

    >>> Finding("X", 3, 2, "%(count)s card(s) of enterprise %(enterprise)s", {"count": 2, "enterprise": 3}).message
    '2 card(s) of enterprise 3'
    """

    code: str
    enterprise_id: int
    count: int
    #: what was found, as written (marked for the message catalogue: the HTML page says it in
    #: the reader's language), its ``%(name)s`` filled from ``values``
    text: str
    values: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    iccids: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        return self.text % self.values

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "enterprise_id": self.enterprise_id, "count": self.count,
                "message": self.message, "sample_iccids": list(self.iccids)}


@dataclasses.dataclass(frozen=True)
class Meta:
    generated_at: dt.datetime
    carrier: dict[str, Any]
    backfill_deadline: dt.date
    #: the day (China time) overdue back-registrations are judged on
    today: dt.date
    #: where the figures come from (URL without password)
    database: str

    def to_dict(self) -> dict[str, Any]:
        return {"report": "inspection", "version": REPORT_VERSION, "generated_at": iso(self.generated_at),
                "carrier": dict(self.carrier), "backfill_deadline": iso(self.backfill_deadline),
                "today": iso(self.today), "database": self.database}


def _add(into: dict[str, int], more: dict[str, int]) -> None:
    for key, value in more.items():
        into[key] = into.get(key, 0) + value


@dataclasses.dataclass
class InspectionReport:
    meta: Meta
    enterprises: list[EnterpriseReport]
    violations: list[Finding]
    warnings: list[Finding]

    def totals(self) -> dict[str, Any]:
        """Every summable figure over all enterprises, shaped like an enterprise section."""
        by_state: dict[str, int] = {}
        by_status: dict[str, int] = {}
        reasons: dict[str, int] = {}
        backfill: dict[str, int] = {}
        numbers, ip, data = NumberUse(), IpUse(), DataUse()
        sold = verified = unverified = 0
        for e in self.enterprises:
            _add(by_state, e.cards.by_state)
            _add(by_status, e.registrations.by_status)
            _add(reasons, e.registrations.rejected_by_reason)
            _add(backfill, e.backfill)
            sold, verified = sold + e.cards.sold, verified + e.cards.verified
            unverified += e.active_unverified
            for f in ("allocated", "assigned", "free", "quarantined", "blocks"):
                setattr(numbers, f, getattr(numbers, f) + getattr(e.numbers, f))
            ip.prefixes += e.ip.prefixes
            ip.usable, ip.assigned = ip.usable + e.ip.usable, ip.assigned + e.ip.assigned
            data.add(e.data)
        cards = Cards(by_state, sold=sold, verified=verified)
        return {"enterprises": len(self.enterprises), "cards": cards.to_dict(), "funnel": cards.funnel(),
                "registrations": Registrations(by_status, reasons).to_dict(),
                "backfill": {k: backfill.get(k, 0) for k in BACKFILL_FIELDS},
                "active_without_verified_registration": unverified,
                "numbers": numbers.to_dict(), "ip": {k: v for k, v in ip.to_dict().items() if k != "prefixes"},
                "data_usage": data.to_dict()}

    def to_dict(self) -> dict[str, Any]:
        return {"meta": self.meta.to_dict(),
                "violations": [v.to_dict() for v in self.violations],
                "warnings": [w.to_dict() for w in self.warnings],
                "totals": self.totals(),
                "enterprises": [e.to_dict() for e in self.enterprises]}
