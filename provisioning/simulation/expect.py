"""What the database must hold once a plan has run: the figures the summary reports
(and the inspection report shows), derived from the plan alone.

>>> import datetime
>>> from provisioning.simulation.plan import Params, build_plan
>>> e = expected(build_plan(Params(seed=2, oems=1, cards=60, today=datetime.date(2026, 11, 20))))
>>> regs = e["registrations"]
>>> regs["pushed"] == regs["verified"] + regs["superseded"] + regs["rejected"] + regs["pending"]
True
>>> sum(e["rejected_by_reason"].values()) == e["registrations"]["rejected"]
True
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from provisioning.cards.states import STATES, CardState
from provisioning.simulation.plan import JOB, PENDING, REFUSED, REJECTED, VERIFIED, Plan


def card_states(plan: Plan) -> dict[tuple[int, int], str]:
    """Every card's final state, by (OEM index, card index)."""
    states: dict[tuple[int, int], str] = {(o.index, c): CardState.INVENTORY
                                          for o in plan.oems for c in range(plan.params.cards)}
    for oem in plan.oems:
        for card in oem.test_cards:
            states[(oem.index, card)] = CardState.TEST
    for push in sorted(plan.pushes, key=lambda p: p.phase):
        if push.card_state is not None:
            states[(push.oem, push.card)] = push.card_state
    for probe in plan.probes:
        if probe.card_state is not None:
            states[(probe.oem, probe.card)] = probe.card_state
    return states


def expected(plan: Plan) -> dict[str, Any]:
    stored = [p for p in plan.pushes if p.expect != REFUSED]
    verified = sum(p.expect == VERIFIED for p in stored)
    superseded = sum(p.expect == VERIFIED and p.kind == "OWNER_CHANGE" for p in stored)
    rejected = Counter(p.code for p in stored if p.expect == REJECTED)
    states = Counter(card_states(plan).values())
    swaps = sum(p.kind == "IMEI_SWAP" for p in plan.probes)
    reverify_rejected = sum(p.kind == "OWNER_CHANGE" and p.expect == REJECTED for p in stored)
    done = {(p.oem, p.card) for p in plan.pushes if p.phase == 1 and p.expect == VERIFIED and p.channel == JOB}
    flagged = sum(len(o.flagged) for o in plan.oems)
    return {
        "oems": len(plan.oems),
        "cards": plan.params.cards * len(plan.oems),
        "cards_by_state": {s: states.get(s, 0) for s in STATES},
        "registrations": {"pushed": len(stored), "verified": verified - superseded, "superseded": superseded,
                          "rejected": sum(rejected.values()), "pending": sum(p.expect == PENDING for p in stored)},
        "refused": sum(p.expect == REFUSED for p in plan.pushes),
        "rejected_by_reason": dict(sorted(rejected.items())),
        "webhooks": {"registration.verified": verified, "registration.rejected": sum(rejected.values()),
                     "card.suspended": swaps + reverify_rejected},
        "network": dict(sorted(Counter(p.reason for p in plan.probes).items())),
        "backfill": {"flagged": flagged, "done": len(done), "outstanding": flagged - len(done)},
    }


def settled(plan: Plan, phase: int) -> tuple[int, int]:
    """Registrations stored and left PENDING once phases 1 to ``phase`` are decided."""
    stored = [p for p in plan.pushes if p.phase <= phase and p.expect != REFUSED]
    return len(stored), sum(p.expect == PENDING for p in stored)


__all__ = ["card_states", "expected", "settled"]
