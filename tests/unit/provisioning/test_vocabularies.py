"""Card states, usages, real-name statuses, suspension causes and registration statuses
have one spelling each: the StrEnums. Members are their stored text (so stored values,
JSON and the audit chain's canonical text do not change), the option tuples are derived
from them, and the domain code compares states and statuses with members, never with a
bare string literal."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from carrier_gateway.jsonio import dumps
from provisioning.audit.trail import canonical
from provisioning.cards import states
from provisioning.cards.states import CardState, RealNameStatus, SuspensionCause, Usage
from provisioning.registrations.status import RegistrationStatus

ROOT = Path(__file__).resolve().parents[3]
VOCABULARY = {m.value for enum in (CardState, Usage, RealNameStatus, SuspensionCause, RegistrationStatus)
              for m in enum} - {"NONE"}  # NONE is also a service scope (cards/services.py)
#: names that hold a card state or a registration status in the domain code
STATUS_NAMES = {"state", "status", "real_name_status", "suspension_cause", "usage", "target", "cause"}
#: the outbox has a status vocabulary of its own (PENDING, DEAD)
OTHER_VOCABULARIES = ("provisioning/outbox/",)


def test_the_tuples_are_the_enums_values_as_plain_text() -> None:
    assert states.STATES == ("INVENTORY", "TEST", "PENDING", "ACTIVE", "SUSPENDED", "TERMINATED")
    assert states.USAGES == ("TBOX", "ECALL", "INFOTAINMENT")
    assert states.REAL_NAME_STATUSES == ("NONE", "PENDING", "VERIFIED", "REJECTED")
    assert states.SUSPENSION_CAUSES == ("IMEI_CHANGE", "REVERIFICATION_REJECTED", "OPS")
    assert all(type(v) is str for v in states.STATES + states.USAGES + states.SUSPENSION_CAUSES)
    assert set(states.TRANSITIONS) == set(CardState)


@pytest.mark.parametrize("member", [CardState.ACTIVE, RealNameStatus.VERIFIED, RegistrationStatus.SUPERSEDED,
                                    SuspensionCause.IMEI_CHANGE, Usage.TBOX])
def test_a_member_is_written_as_its_text(member: str) -> None:
    text = member.value
    plain = {text: [text], "at": {"k": text}}
    as_enum = {member: [member], "at": {"k": member}}
    assert dumps(as_enum) == dumps(plain) == json.dumps(plain, separators=(",", ":")).encode()
    assert canonical(as_enum) == canonical(plain)  # the audit chain hashes the same text
    assert f"{member}" == str(member) == text and member == text and hash(member) == hash(text)


def test_a_shared_word_is_the_same_text_in_each_vocabulary() -> None:
    assert RealNameStatus.VERIFIED == RegistrationStatus.VERIFIED == "VERIFIED"
    assert CardState.PENDING == RealNameStatus.PENDING == RegistrationStatus.PENDING == "PENDING"


def _names_a_status(node: ast.expr) -> bool:
    if isinstance(node, ast.Attribute):
        return node.attr in STATUS_NAMES
    if isinstance(node, ast.Name):
        return node.id in STATUS_NAMES
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return node.slice.value in STATUS_NAMES
    return False


def _literals(node: ast.expr) -> list[str]:
    parts = node.elts if isinstance(node, (ast.Tuple, ast.List, ast.Set)) else [node]
    return [p.value for p in parts if isinstance(p, ast.Constant) and p.value in VOCABULARY]


def bare_literals(source: str) -> list[tuple[int, str]]:
    """(line, literal) for each state or status compared with, or passed as, a bare string."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare) and any(_names_a_status(x) for x in [node.left, *node.comparators]):
            found += [(node.lineno, v) for x in [node.left, *node.comparators] for v in _literals(x)]
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in ("in_", "not_in") and _names_a_status(func.value):
                found += [(node.lineno, v) for arg in node.args for v in _literals(arg)]
            found += [(node.lineno, v) for kw in node.keywords if kw.arg in STATUS_NAMES for v in _literals(kw.value)]
    return found


def test_the_scan_finds_bare_literals() -> None:
    source = ('card.state == "ACTIVE"\nr.c.status.in_(("VERIFIED", "SUPERSEDED"))\nupdate(r).values(status="PENDING")\n'
              'ok = card.state == CardState.ACTIVE\nscope == "PLATFORMS"\n')
    assert bare_literals(source) == [(1, "ACTIVE"), (2, "VERIFIED"), (2, "SUPERSEDED"), (3, "PENDING")]


def test_the_domain_compares_states_and_statuses_with_enum_members() -> None:
    wrong = []
    for package in ("provisioning", "numbering"):
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith(OTHER_VOCABULARIES):
                continue
            wrong += [f"{relative}:{line} {text!r}" for line, text in bare_literals(path.read_text(encoding="utf-8"))]
    assert not wrong, "use the StrEnum member (cards.states, registrations.status): " + ", ".join(wrong)
