"""The inspection report as data: plain dataclasses, turned into JSON-ready dicts by
``to_dict`` (dates as ISO strings). Every renderer reads this, never the database.

>>> Cards({"ACTIVE": 3, "PENDING": 1}, sold=4, verified=3).to_dict()["by_state"]["TERMINATED"]
0
>>> NumberUse(allocated=200, assigned=50).percent
25.0
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from provisioning.cards.states import STATES, CardState
from provisioning.registrations.status import RegistrationStatus

REPORT_VERSION = 1
#: the report's order of registration statuses (its columns and keys)
REGISTRATION_STATUSES: tuple[str, ...] = (RegistrationStatus.VERIFIED, RegistrationStatus.REJECTED,
                                          RegistrationStatus.PENDING, RegistrationStatus.SUPERSEDED)
#: the reason codes a record can earn (docs/oem-api.md#reason-codes); reports give each its own
#: column, then any other seen
CONTRACT_REASON_CODES: tuple[str, ...] = (
    "SCHEMA_INVALID", "ID_TYPE_UNSUPPORTED", "ID_NUMBER_INVALID", "ID_EXPIRED", "HOLDER_UNDERAGE",
    "NAME_INVALID", "USCC_INVALID", "AGENT_REQUIRED", "VIN_INVALID", "IMEI_INVALID", "CARD_NOT_FOUND",
    "CARD_STATE_CONFLICT", "VIN_ALREADY_BOUND", "CARD_LIMIT_EXCEEDED", "IDENTITY_MISMATCH",
)
#: clause 8: serving a card whose user gave no verified identity
ACTIVE_UNVERIFIED = "ACTIVE_WITHOUT_VERIFIED_REGISTRATION"
BACKFILL_OVERDUE = "BACKFILL_OVERDUE"
PERSON_MISSING = "RESPONSIBLE_PERSON_MISSING"
BACKFILL_FIELDS = ("flagged", "done", "done_late", "pending", "rejected", "outstanding", "overdue", "terminated")


def percent(part: int, whole: int) -> float:
    """
    >>> percent(1, 3), percent(5, 0)
    (33.33, 0.0)
    """
    return round(100.0 * part / whole, 2) if whole else 0.0


def iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclasses.dataclass
class Cards:
    """Cards by state, and the funnel figures: ``sold`` = a registration reached the
    card (real-name status not NONE), ``verified`` = its real-name status is VERIFIED."""

    by_state: dict[str, int]
    sold: int = 0
    verified: int = 0

    @property
    def issued(self) -> int:
        return sum(self.by_state.values())

    @property
    def active(self) -> int:
        return self.by_state.get(CardState.ACTIVE, 0)

    def to_dict(self) -> dict[str, Any]:
        return {"issued": self.issued, "by_state": {s: self.by_state.get(s, 0) for s in STATES}}

    def funnel(self) -> dict[str, int]:
        return {"issued": self.issued, "sold": self.sold, "verified": self.verified, "active": self.active}


@dataclasses.dataclass
class Registrations:
    by_status: dict[str, int]
    #: rejected registrations citing each code (one registration may cite several)
    rejected_by_reason: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"total": sum(self.by_status.values())}
        out.update({s.lower(): self.by_status.get(s, 0) for s in REGISTRATION_STATUSES})
        out["rejected_by_reason"] = dict(sorted(self.rejected_by_reason.items()))
        return out


@dataclasses.dataclass
class NumberUse:
    """MSISDNs of the enterprise's blocks: ``assigned`` to cards, ``free`` in its blocks,
    ``quarantined`` cooling off after release."""

    allocated: int = 0
    assigned: int = 0
    free: int = 0
    quarantined: int = 0
    blocks: int = 0

    @property
    def percent(self) -> float:
        return percent(self.assigned, self.allocated)

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "utilisation_percent": self.percent}


@dataclasses.dataclass
class IpUse:
    """Static addresses of the enterprise's prefixes. ``usable`` may exceed 64 bits (IPv6),
    so JSON carries it as a decimal string."""

    prefixes: list[str] = dataclasses.field(default_factory=list)
    usable: int = 0
    assigned: int = 0

    @property
    def percent(self) -> float:
        return percent(self.assigned, self.usable)

    def to_dict(self) -> dict[str, Any]:
        return {"prefixes": list(self.prefixes), "usable": str(self.usable), "assigned": self.assigned,
                "utilisation_percent": self.percent}


@dataclasses.dataclass
class RosterRole:
    """The person serving in one role, masked; ``serving`` False means nobody (a gap)."""

    role: str
    serving: bool
    name: str | None = None
    id_type: str | None = None
    id_number: str | None = None
    phone: str | None = None
    since: dt.datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "since": iso(self.since)}


@dataclasses.dataclass
class Roster:
    roles: list[RosterRole]
    #: the latest appointment or end of term of anyone for this enterprise
    last_changed_at: dt.datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"last_changed_at": iso(self.last_changed_at), "roles": [r.to_dict() for r in self.roles]}
