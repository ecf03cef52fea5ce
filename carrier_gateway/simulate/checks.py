"""Did every push and every network question end as the plan says it must?

Messages name the OEM, the card's position and the breakage kind, never a record's
personal data.
"""

from __future__ import annotations

from typing import Any

from carrier_gateway.simulate.traffic import Traffic
from provisioning.registrations.status import RegistrationStatus
from provisioning.simulation.plan import PENDING, REFUSED, REJECTED, VERIFIED, Plan, Push

#: figures compared between the plan's expectation and the database
COMPARED = ("oems", "cards", "cards_by_state", "registrations", "rejected_by_reason")


def _superseded(plan: Plan) -> set[tuple[int, int]]:
    return {(p.oem, p.card) for p in plan.pushes if p.kind == "OWNER_CHANGE" and p.expect == VERIFIED}


def _wanted(push: Push, superseded: set[tuple[int, int]]) -> tuple[str, list[str]]:
    if push.expect == VERIFIED:
        later = push.phase == 1 and (push.oem, push.card) in superseded
        return (RegistrationStatus.SUPERSEDED if later else RegistrationStatus.VERIFIED), []
    if push.expect == REJECTED:
        return REJECTED, [push.code or ""]
    if push.expect == REFUSED:
        return REFUSED, ["SCHEMA_INVALID"]
    return PENDING, []


def unexpected_outcomes(plan: Plan, traffic: Traffic, outcomes: dict[str, tuple[str, list[str]]]) -> list[str]:
    superseded = _superseded(plan)
    found = []
    for n, push in enumerate(plan.pushes):
        accepted = traffic.accepted.get(n)
        if accepted is None:
            got: tuple[str, list[str]] = ("NOT SENT", [])
        elif accepted.registration_id is None:
            got = (REFUSED, sorted(set(accepted.refused_codes)))
        else:
            got = outcomes.get(accepted.registration_id, ("MISSING", []))
        want = _wanted(push, superseded)
        if got != want:
            found.append(f"OEM {push.oem} card {push.card} ({push.kind}, {push.channel.lower()}, phase {push.phase}): "
                         f"expected {_show(want)}, got {_show(got)}")
    for n, probe in enumerate(plan.probes):
        answer = traffic.answers.get(n)
        if answer != (probe.allowed, probe.reason):
            found.append(f"OEM {probe.oem} card {probe.card} ({probe.kind}): expected "
                         f"{'allowed' if probe.allowed else 'denied'} {probe.reason}, got {answer}")
    return found


def _show(outcome: tuple[str, list[str]]) -> str:
    status, codes = outcome
    return f"{status} {','.join(codes)}".strip()


def differences(expected: dict[str, Any], actual: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: {"expected": expected[k], "actual": actual.get(k)} for k in keys if expected[k] != actual.get(k)}
