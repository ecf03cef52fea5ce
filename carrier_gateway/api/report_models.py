"""Response models of the inspection report (the JSON rendering's schema, for OpenAPI
and for tests that check the document against it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Meta(_Strict):
    report: str
    version: int
    generated_at: dt.datetime
    carrier: dict[str, Any]
    backfill_deadline: dt.date
    today: dt.date = Field(description="the day, in China, overdue back-registrations are judged on")
    database: str = Field(description="where the figures come from (no password)")


class Finding(_Strict):
    code: str
    enterprise_id: int
    count: int
    message: str
    sample_iccids: list[str]


class CardsOut(_Strict):
    issued: int
    by_state: dict[str, int]


class FunnelOut(_Strict):
    issued: int
    sold: int = Field(description="a registration was pushed and reached the card")
    verified: int
    active: int


class RegistrationsOut(_Strict):
    total: int
    verified: int
    rejected: int
    pending: int
    superseded: int
    rejected_by_reason: dict[str, int] = Field(description="rejected registrations citing each code")


class BackfillOut(_Strict):
    flagged: int
    done: int
    done_late: int
    pending: int
    rejected: int
    outstanding: int
    overdue: int
    terminated: int


class NumbersOut(_Strict):
    allocated: int
    assigned: int
    free: int
    quarantined: int
    blocks: int
    utilisation_percent: float


class IpOut(_Strict):
    usable: str = Field(description="decimal string: an IPv6 prefix exceeds 64 bits")
    assigned: int
    utilisation_percent: float
    prefixes: list[str] | None = None


class RoleOut(_Strict):
    role: str
    serving: bool
    name: str | None = Field(description="masked")
    id_type: str | None
    id_number: str | None = Field(description="masked")
    phone: str | None = Field(description="masked")
    since: dt.datetime | None


class RosterOut(_Strict):
    last_changed_at: dt.datetime | None
    roles: list[RoleOut]


class DataUsageOut(_Strict):
    sessions: int
    open_sessions: int
    input_octets: int = Field(description="from the cards (Acct-Input-Octets with the Gigawords)")
    output_octets: int = Field(description="to the cards (Acct-Output-Octets with the Gigawords)")
    mb: float


class Authoriser(_Strict):
    enterprise_id: int
    name: str | None
    until: dt.date | None


class Unverified(_Strict):
    count: int
    sample_iccids: list[str]


class EnterpriseOut(_Strict):
    enterprise_id: int
    name: str
    uscc: str
    kind: str
    authorized_by: Authoriser | None
    cards: CardsOut
    funnel: FunnelOut
    registrations: RegistrationsOut
    backfill: BackfillOut
    active_without_verified_registration: Unverified
    numbers: NumbersOut
    ip: IpOut
    roster: RosterOut
    data_usage: DataUsageOut


class TotalsOut(_Strict):
    enterprises: int
    cards: CardsOut
    funnel: FunnelOut
    registrations: RegistrationsOut
    backfill: BackfillOut
    active_without_verified_registration: int
    numbers: NumbersOut
    ip: IpOut
    data_usage: DataUsageOut


class InspectionReportOut(_Strict):
    meta: Meta
    violations: list[Finding] = Field(description="must be empty: ACTIVE cards without a VERIFIED registration")
    warnings: list[Finding] = Field(description="back-registrations overdue, roles with nobody responsible")
    totals: TotalsOut
    enterprises: list[EnterpriseOut]


_STATES = {"INVENTORY": 40, "TEST": 0, "PENDING": 3, "ACTIVE": 55, "SUSPENDED": 1, "TERMINATED": 1}
_REGS = {"total": 64, "verified": 56, "rejected": 5, "pending": 2, "superseded": 1,
         "rejected_by_reason": {"ID_EXPIRED": 2, "IDENTITY_MISMATCH": 3}}
_BACKFILL = {"flagged": 10, "done": 8, "done_late": 0, "pending": 1, "rejected": 0, "outstanding": 2,
             "overdue": 2, "terminated": 0}
_NUMBERS = {"allocated": 1000, "assigned": 100, "free": 899, "quarantined": 1, "blocks": 1,
            "utilisation_percent": 10.0}
_FUNNEL = {"issued": 100, "sold": 60, "verified": 56, "active": 55}
_DATA = {"sessions": 420, "open_sessions": 38, "input_octets": 1468006400, "output_octets": 314572800, "mb": 1700.0}
EXAMPLE: dict[str, Any] = {
    "meta": {"report": "inspection", "version": 1, "generated_at": "2026-11-28T08:00:00+00:00",
             "carrier": {"key": "china-mobile", "name": "China Mobile", "mcc": "460", "mnc": "04"},
             "backfill_deadline": "2022-09-30", "today": "2026-11-28",
             "database": "postgresql+asyncpg://carrier@db:5432/carrier"},
    "violations": [],
    "warnings": [{"code": "BACKFILL_OVERDUE", "enterprise_id": 1, "count": 2, "sample_iccids": [],
                  "message": "2 flagged card(s) of enterprise 1 still lack a verified back-registration after "
                             "the deadline 2022-09-30 (clause 9)"}],
    "totals": {"enterprises": 1, "cards": {"issued": 100, "by_state": _STATES}, "funnel": _FUNNEL,
               "registrations": _REGS, "backfill": _BACKFILL, "active_without_verified_registration": 0,
               "numbers": _NUMBERS, "ip": {"usable": "254", "assigned": 10, "utilisation_percent": 3.94},
               "data_usage": _DATA},
    "enterprises": [{
        "enterprise_id": 1, "name": "某某汽车有限公司", "uscc": "91350100M000100Y43", "kind": "OEM",
        "authorized_by": None, "cards": {"issued": 100, "by_state": _STATES}, "funnel": _FUNNEL,
        "registrations": _REGS, "backfill": _BACKFILL,
        "active_without_verified_registration": {"count": 0, "sample_iccids": []}, "numbers": _NUMBERS,
        "ip": {"prefixes": ["10.64.0.0/24"], "usable": "254", "assigned": 10, "utilisation_percent": 3.94},
        "roster": {"last_changed_at": "2026-11-20T02:00:00+00:00", "roles": [
            {"role": "PURCHASE", "serving": True, "name": "张*", "id_type": "RESIDENT_ID",
             "id_number": "110105********002X", "phone": "138****8000", "since": "2026-11-20T02:00:00+00:00"},
            {"role": "REAL_NAME", "serving": False, "name": None, "id_type": None, "id_number": None,
             "phone": None, "since": None}]}, "data_usage": _DATA}],
}
