"""The scenario's parts: parameters, OEMs, pushes, network questions, the plan."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from typing import Any

from provisioning.registrations.status import RegistrationStatus
from provisioning.simulation.records import Record

SINGLE, BATCH, JOB = "SINGLE", "BATCH", "JOB"
#: what a push is expected to end as: its registration's status, or REFUSED (never stored)
VERIFIED, REJECTED, PENDING = RegistrationStatus.VERIFIED, RegistrationStatus.REJECTED, RegistrationStatus.PENDING
REFUSED = "REFUSED"


@dataclasses.dataclass(frozen=True)
class Params:
    seed: int = 1
    oems: int = 3
    cards: int = 200
    #: share of phase-1 sales pushed with a broken record
    bad_fraction: float = 0.2
    #: share of phase-1 sales whose holder the identity authority never answers for
    outage_fraction: float = 0.02
    today: dt.date = dt.date(2026, 1, 1)
    min_age: int = 16
    max_cards_per_document: int = 5

    def check(self) -> None:
        if not 1 <= self.oems <= 100:
            raise ValueError("oems must be 1 to 100")
        if not 20 <= self.cards <= 1_000_000:
            raise ValueError("cards must be 20 to 1,000,000 per OEM")
        for name in ("bad_fraction", "outage_fraction"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name.replace('_', '-')} must be between 0 and 1")
        if self.bad_fraction + self.outage_fraction > 1.0:
            raise ValueError("bad-fraction plus outage-fraction must be at most 1")


@dataclasses.dataclass
class Push:
    oem: int
    #: the card, by its position in the OEM's issue order (the record may name another)
    card: int
    record: Record
    channel: str
    phase: int
    kind: str
    expect: str
    code: str | None = None
    #: the card's state once this push is decided (None: unchanged)
    card_state: str | None = None
    #: the record names the card by MSISDN instead of ICCID
    by_msisdn: bool = False
    #: pushed twice with one Idempotency-Key: the second answer must name the first registration
    replay: bool = False
    #: the record names its own (nonexistent) card; the driver leaves it alone
    names_card: bool = False


@dataclasses.dataclass
class Probe:
    """One question of the simulated core network (POST /v1/network/authorize)."""

    oem: int
    card: int
    service: str
    destination: str
    imei: str | None
    kind: str
    allowed: bool
    reason: str
    card_state: str | None = None


@dataclasses.dataclass
class OemPlan:
    index: int
    name: str
    uscc: str
    #: responsible persons in appointment order (the last of a role is serving)
    persons: list[dict[str, Any]]
    destinations: list[tuple[str, str]]
    #: (usage, count, static IP) in issue order
    orders: list[tuple[str, int, bool]]
    prefix_length: int
    #: cards ops move to TEST (factory test)
    test_cards: list[int]
    #: cards ops flag for back-registration
    flagged: list[int]

    def usage(self, card: int) -> str:
        for usage, count, _ in self.orders:
            if card < count:
                return usage
            card -= count
        raise IndexError(card)

    @property
    def platform(self) -> str:
        return next(v for k, v in self.destinations if k == "PLATFORM_PREFIX")


@dataclasses.dataclass
class Plan:
    params: Params
    oems: list[OemPlan]
    pushes: list[Push]
    probes: list[Probe]

    def phase(self, n: int) -> list[Push]:
        return [p for p in self.pushes if p.phase == n]

    def fingerprint(self) -> str:
        """A digest of everything the scenario does: equal plans, equal digests."""
        doc = {"params": dataclasses.asdict(self.params), "oems": [dataclasses.asdict(o) for o in self.oems],
               "pushes": [dataclasses.asdict(p) for p in self.pushes],
               "probes": [dataclasses.asdict(p) for p in self.probes]}
        blob = json.dumps(doc, sort_keys=True, default=str, ensure_ascii=False).encode()
        return hashlib.sha256(blob).hexdigest()[:16]
