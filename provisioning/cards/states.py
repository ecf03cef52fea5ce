"""Card states, usage types and the one table of legal transitions (pure).

>>> can_transition("INVENTORY", "TEST"), can_transition("TERMINATED", "ACTIVE")
(True, False)
>>> sorted(TRANSITIONS["ACTIVE"])
['SUSPENDED', 'TERMINATED']
"""

from __future__ import annotations

from typing import Literal

State = Literal["INVENTORY", "TEST", "PENDING", "ACTIVE", "SUSPENDED", "TERMINATED"]
STATES: tuple[str, ...] = ("INVENTORY", "TEST", "PENDING", "ACTIVE", "SUSPENDED", "TERMINATED")
USAGES: tuple[str, ...] = ("TBOX", "ECALL", "INFOTAINMENT")
REAL_NAME_STATUSES: tuple[str, ...] = ("NONE", "PENDING", "VERIFIED", "REJECTED")
#: why a card is SUSPENDED; only OPS suspensions may be lifted without re-verification
SUSPENSION_CAUSES: tuple[str, ...] = ("IMEI_CHANGE", "REVERIFICATION_REJECTED", "OPS")

#: from-state -> the states it may move to (docs/domain.md#card-states)
TRANSITIONS: dict[str, frozenset[str]] = {
    "INVENTORY": frozenset({"TEST", "PENDING", "TERMINATED"}),
    "TEST": frozenset({"INVENTORY", "PENDING", "TERMINATED"}),
    "PENDING": frozenset({"ACTIVE", "TERMINATED"}),
    "ACTIVE": frozenset({"SUSPENDED", "TERMINATED"}),
    "SUSPENDED": frozenset({"ACTIVE", "TERMINATED"}),
    "TERMINATED": frozenset(),
}


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def explain_transition(current: str, target: str) -> str:
    """Why a transition is refused (one line, names the current state).

    >>> explain_transition("TERMINATED", "ACTIVE")
    'card is TERMINATED: it cannot move to ACTIVE (TERMINATED is final)'
    """
    allowed = sorted(TRANSITIONS.get(current, ()))
    if not allowed:
        return f"card is {current}: it cannot move to {target} ({current} is final)"
    return f"card is {current}: it cannot move to {target} (allowed: {', '.join(allowed)})"
