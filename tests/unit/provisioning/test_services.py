"""Ceilings and effective services (pure): default deny, and the rule that limits each service."""

from __future__ import annotations

import netaddr
import pytest

from provisioning.cards import services
from provisioning.cards.states import STATES, TRANSITIONS, USAGES, can_transition, explain_transition
from provisioning.enterprises.destinations import Destinations

FULL = Destinations(apn="iov-e1.carrier", platforms=(netaddr.IPNetwork("203.0.113.0/24"),),
                    short_codes=frozenset({"1065800001"}), call_centres=frozenset({"4008001234"}))
EMPTY = Destinations(apn="iov-e1.carrier")


@pytest.mark.parametrize("usage", USAGES)
@pytest.mark.parametrize("state", ["INVENTORY", "PENDING", "SUSPENDED", "TERMINATED"])
def test_no_service_outside_active_and_test(usage: str, state: str) -> None:
    grants = services.effective_services(usage, state, "VERIFIED", FULL)
    assert not any(g.allowed for g in grants.values())
    assert {g.rule for g in grants.values()} <= {"STATE", "USAGE_CEILING"}


@pytest.mark.parametrize("usage", USAGES)
def test_active_without_verified_registration_gets_nothing(usage: str) -> None:
    for status in ("NONE", "PENDING", "REJECTED"):
        grants = services.effective_services(usage, "ACTIVE", status, FULL)
        assert not any(g.allowed for g in grants.values())
        assert "REAL_NAME" in {g.rule for g in grants.values()}


def test_active_verified_gets_exactly_the_ceiling() -> None:
    got = {u: {s: g.scope for s, g in services.effective_services(u, "ACTIVE", "VERIFIED", FULL).items()}
           for u in USAGES}
    assert got == services.CEILINGS
    voice = services.grant("ECALL", "ACTIVE", "VERIFIED", "voice", FULL)
    assert voice.destinations == ("110", "119", "120", "122", "4008001234")
    assert services.grant("INFOTAINMENT", "ACTIVE", "VERIFIED", "data", FULL).cap_mb == 20480


def test_test_state_is_capped_data_through_the_apn_only() -> None:
    tbox = services.effective_services("TBOX", "TEST", "NONE", FULL)
    assert (tbox["data"].allowed, tbox["data"].scope, tbox["data"].cap_mb) == (True, "TEST_APN", 50)
    assert "iov-e1.carrier" in tbox["data"].reason
    assert (tbox["sms"].rule, tbox["voice"].rule) == ("FACTORY_TEST", "USAGE_CEILING")
    assert not services.grant("ECALL", "TEST", "NONE", "data", FULL).allowed


def test_nothing_registered_means_nothing_reachable() -> None:
    data = services.grant("TBOX", "ACTIVE", "VERIFIED", "data", EMPTY)
    sms = services.grant("TBOX", "ACTIVE", "VERIFIED", "sms", EMPTY)
    voice = services.grant("ECALL", "ACTIVE", "VERIFIED", "voice", EMPTY)
    assert (data.allowed, data.rule, sms.rule) == (False, "NO_DESTINATIONS", "NO_DESTINATIONS")
    assert voice.allowed and voice.destinations == services.EMERGENCY_NUMBERS


def test_unknown_usage_is_denied_by_default() -> None:
    assert not any(g.allowed for g in services.effective_services("PHONE", "ACTIVE", "VERIFIED", FULL).values())


def test_transition_table_matches_the_contract() -> None:
    assert set(TRANSITIONS) == set(STATES)
    assert all(can_transition(s, "TERMINATED") for s in STATES if s != "TERMINATED")
    assert can_transition("TEST", "INVENTORY") and can_transition("SUSPENDED", "ACTIVE")
    assert not can_transition("INVENTORY", "ACTIVE") and not can_transition("PENDING", "SUSPENDED")
    assert "allowed: PENDING, TERMINATED, TEST" in explain_transition("INVENTORY", "ACTIVE")
