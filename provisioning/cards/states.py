"""Card states, usage types, real-name statuses, suspension causes, and the one table of
legal transitions (pure).

Each vocabulary is a ``StrEnum``: a member is equal to (and hashes as) its text, so
stored values, JSON and CSV output are the plain strings; the tuples below are the same
values as plain text for option lists and messages.

>>> can_transition(CardState.INVENTORY, CardState.TEST), can_transition("TERMINATED", "ACTIVE")
(True, False)
>>> [str(s) for s in sorted(TRANSITIONS[CardState.ACTIVE])]
['SUSPENDED', 'TERMINATED']
"""

from __future__ import annotations

from enum import StrEnum


class CardState(StrEnum):
    INVENTORY = "INVENTORY"
    TEST = "TEST"
    PENDING = "PENDING"
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    TERMINATED = "TERMINATED"


class Usage(StrEnum):
    TBOX = "TBOX"
    ECALL = "ECALL"
    INFOTAINMENT = "INFOTAINMENT"


class RealNameStatus(StrEnum):
    """A card's real-name status: the outcome of its current registration, if any."""

    NONE = "NONE"
    PENDING = "PENDING"
    VERIFIED = "VERIFIED"
    REJECTED = "REJECTED"


class SuspensionCause(StrEnum):
    """Why a card is SUSPENDED; only OPS suspensions may be lifted without re-verification."""

    IMEI_CHANGE = "IMEI_CHANGE"
    REVERIFICATION_REJECTED = "REVERIFICATION_REJECTED"
    OPS = "OPS"


STATES: tuple[str, ...] = tuple(s.value for s in CardState)
USAGES: tuple[str, ...] = tuple(u.value for u in Usage)
REAL_NAME_STATUSES: tuple[str, ...] = tuple(s.value for s in RealNameStatus)
SUSPENSION_CAUSES: tuple[str, ...] = tuple(c.value for c in SuspensionCause)

_S = CardState
#: from-state -> the states it may move to
TRANSITIONS: dict[str, frozenset[str]] = {
    _S.INVENTORY: frozenset({_S.TEST, _S.PENDING, _S.TERMINATED}),
    _S.TEST: frozenset({_S.INVENTORY, _S.PENDING, _S.TERMINATED}),
    _S.PENDING: frozenset({_S.ACTIVE, _S.TERMINATED}),
    _S.ACTIVE: frozenset({_S.SUSPENDED, _S.TERMINATED}),
    _S.SUSPENDED: frozenset({_S.ACTIVE, _S.TERMINATED}),
    _S.TERMINATED: frozenset(),
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
