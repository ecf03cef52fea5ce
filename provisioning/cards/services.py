"""Minimum-necessary services (pure): each usage type's ceiling, and what a card
actually gets from its state, its real-name status, that ceiling and its
enterprise's registered destinations. Anything not granted here is denied.

Rules, in the order they limit a service (the first that applies names the rule):
``USAGE_CEILING`` (the usage type never has it), ``STATE`` (only ACTIVE and TEST
carry traffic), ``FACTORY_TEST`` (TEST: data through the enterprise APN to its
platform prefixes, capped; nothing else), ``REAL_NAME`` (ACTIVE needs a VERIFIED
registration), ``NO_DESTINATIONS`` (nothing registered to reach), and for a granted
service ``USAGE_CEILING`` again (the ceiling is what bounds it).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from provisioning.cards.states import CardState, RealNameStatus, Usage
from provisioning.enterprises.destinations import Destinations

SERVICES = ("data", "sms", "voice")
EMERGENCY_NUMBERS = ("110", "119", "120", "122")
TEST_CAP_MB = 50
INFOTAINMENT_MONTHLY_CAP_MB = 20 * 1024

#: usage -> service -> the most it may ever have (docs/domain.md#services-per-usage-minimum-necessary)
CEILINGS: dict[str, dict[str, str]] = {
    Usage.TBOX: {"data": "PLATFORMS", "sms": "MT_SHORT_CODES", "voice": "NONE"},
    Usage.ECALL: {"data": "NONE", "sms": "NONE", "voice": "EMERGENCY_AND_CALL_CENTRE"},
    Usage.INFOTAINMENT: {"data": "INTERNET", "sms": "NONE", "voice": "NONE"},
}

_CEILING_TEXT = {
    "PLATFORMS": "data through the enterprise APN to its registered platform prefixes only",
    "MT_SHORT_CODES": "mobile-terminated SMS from the enterprise's short codes only",
    "EMERGENCY_AND_CALL_CENTRE": "outgoing calls to 110/119/120/122 and the enterprise's call centres",
    "INTERNET": f"internet data, capped at {INFOTAINMENT_MONTHLY_CAP_MB} MB a month",
}


@dataclasses.dataclass(frozen=True)
class Grant:
    service: str
    allowed: bool
    #: what the service reaches when allowed: PLATFORMS, TEST_APN, INTERNET, MT_SHORT_CODES,
    #: EMERGENCY_AND_CALL_CENTRE; NONE when denied
    scope: str
    rule: str
    reason: str
    destinations: tuple[str, ...] = ()
    cap_mb: int | None = None

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {"allowed": self.allowed, "scope": self.scope}
        if self.cap_mb is not None:
            out["cap_mb"] = self.cap_mb
        return out

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _deny(service: str, rule: str, reason: str) -> Grant:
    return Grant(service, False, "NONE", rule, reason)


def _reach(scope: str, dest: Destinations) -> tuple[str, ...]:
    if scope in ("PLATFORMS", "TEST_APN"):
        return tuple(str(n) for n in dest.platforms)
    if scope == "MT_SHORT_CODES":
        return tuple(sorted(dest.short_codes))
    if scope == "EMERGENCY_AND_CALL_CENTRE":
        return EMERGENCY_NUMBERS + tuple(sorted(dest.call_centres))
    return ()


def data_cap_mb(usage: str, state: str) -> int | None:
    """The data a card may use in a period (the factory test, or a month), or None when uncapped."""
    if state == CardState.TEST:
        return TEST_CAP_MB
    return INFOTAINMENT_MONTHLY_CAP_MB if CEILINGS.get(usage, {}).get("data") == "INTERNET" else None


def grant(usage: str, state: str, real_name_status: str, service: str, dest: Destinations,
          used_mb: float | None = None) -> Grant:
    """What one service of a card may do, and the rule that limits it; ``used_mb`` is the
    data used in the current period (accounted, or as the network reports it)."""
    ceiling = CEILINGS.get(usage, {}).get(service, "NONE")
    if ceiling == "NONE":
        return _deny(service, "USAGE_CEILING", f"{usage} cards never have {service}")
    if state not in (CardState.ACTIVE, CardState.TEST):
        return _deny(service, "STATE", f"card is {state}: no service")
    if state == CardState.TEST:
        if service != "data":
            return _deny(service, "FACTORY_TEST", "factory test allows data to the enterprise APN only")
        scope, rule = "TEST_APN", "FACTORY_TEST"
        reason = f"factory test: data through APN {dest.apn} to the enterprise's platform prefixes, " \
                 f"capped at {TEST_CAP_MB} MB"
        cap = data_cap_mb(usage, state)
    else:
        if real_name_status != RealNameStatus.VERIFIED:
            return _deny(service, "REAL_NAME", f"real-name status is {real_name_status}: no verified registration")
        scope, rule, reason = ceiling, "USAGE_CEILING", f"{usage} ceiling: {_CEILING_TEXT[ceiling]}"
        cap = data_cap_mb(usage, state)
    if cap is not None and used_mb is not None and used_mb >= cap:
        return _deny(service, "DATA_CAP_REACHED", f"{used_mb:.1f} MB used this period: the cap of {cap} MB is reached")
    reach = _reach(scope, dest)
    if scope in ("PLATFORMS", "TEST_APN", "MT_SHORT_CODES") and not reach:
        what = "platform prefixes" if scope != "MT_SHORT_CODES" else "SMS short codes"
        return _deny(service, "NO_DESTINATIONS", f"the enterprise has registered no {what}")
    return Grant(service, True, scope, rule, reason, reach, cap)


def effective_services(usage: str, state: str, real_name_status: str, dest: Destinations,
                       used_mb: float | None = None) -> dict[str, Grant]:
    """Every service of a card: the one function behind card views, explain and authorize."""
    return {s: grant(usage, state, real_name_status, s, dest, used_mb) for s in SERVICES}


def summary(grants: dict[str, Grant]) -> dict[str, dict[str, Any]]:
    """The ``services`` member of a card: ``{"data": {"allowed", "scope", "cap_mb"?}, ...}``."""
    return {s: g.summary() for s, g in grants.items()}
