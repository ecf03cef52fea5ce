"""The simulator's scenario (pure): reproducible from its seed, each broken record
earns exactly the reason code it is meant to, and the expected figures add up."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest
from pydantic import ValidationError

from provisioning.registrations.policy import Policy
from provisioning.registrations.records import RegistrationRecord
from provisioning.registrations.rules import check_record
from provisioning.simulation.breakage import KINDS, MISMATCH_MARK, OUTAGE_MARK, broken, outage
from provisioning.simulation.expect import card_states, expected
from provisioning.simulation.plan import REFUSED, Params, build_plan
from provisioning.simulation.records import Maker

TODAY = dt.date(2026, 11, 20)
ICCID = "89860400000000000015"
#: codes the verifier decides from the record alone (the others need the card or the authority)
PURE = {"ID_EXPIRED", "ID_NUMBER_INVALID", "HOLDER_UNDERAGE", "VIN_INVALID", "IMEI_INVALID", "NAME_INVALID",
        "AGENT_REQUIRED", "USCC_INVALID", "ID_TYPE_UNSUPPORTED", "SCHEMA_INVALID"}


def _codes(record: dict[str, object]) -> list[str]:
    parsed = RegistrationRecord.model_validate({"iccid": ICCID, **record})
    return [r["code"] for r in check_record(parsed, today=TODAY, policy=Policy()).reasons]


def _plan(seed: int = 1, **kw: object) -> object:
    return build_plan(Params(seed=seed, today=TODAY, **{"oems": 2, "cards": 60, **kw}))  # type: ignore[arg-type]


def test_the_same_seed_gives_the_same_scenario_and_another_seed_another() -> None:
    a, b, c = _plan(1), _plan(1), _plan(2)
    assert a.fingerprint() == b.fingerprint() and a.pushes == b.pushes and a.probes == b.probes
    assert expected(a) == expected(b)
    assert c.fingerprint() != a.fingerprint()
    vins = [{p.record["vin"] for p in plan.pushes if "vin" in p.record} for plan in (a, c)]
    assert not vins[0] & vins[1]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_breakage_earns_exactly_its_reason_code(kind: str) -> None:
    maker = Maker(random.Random(kind), today=TODAY)
    for _ in range(8):
        bad = broken(maker, kind)
        if not bad.stored:
            with pytest.raises(ValidationError):
                RegistrationRecord.model_validate({"iccid": ICCID, **bad.record})
            continue
        codes = _codes(bad.record)
        assert codes == ([bad.code] if bad.code in PURE else []), (kind, codes)
        if bad.code == "IDENTITY_MISMATCH":
            subject = bad.record["subject"]
            holder = subject if subject["type"] == "INDIVIDUAL" else subject["agent"]
            assert MISMATCH_MARK in holder["name"]


def test_valid_and_outage_records_pass_every_check_of_the_record() -> None:
    plan = _plan(3)
    for push in plan.pushes:
        if push.kind in ("SALE", "FLEET", "OUTAGE", "OWNER_CHANGE", "VIN_ALREADY_BOUND", "CARD_LIMIT_EXCEEDED") \
                and push.code != "IDENTITY_MISMATCH":
            assert _codes(push.record) == [], push.kind
    held = outage(Maker(random.Random(1), today=TODAY))
    assert OUTAGE_MARK in held["subject"]["name"] and _codes(held) == []


def test_no_vin_or_document_repeats_unless_the_scenario_means_it() -> None:
    plan = _plan(4, oems=3)
    vins = Counter(p.record["vin"] for p in plan.pushes if "vin" in p.record)
    meant = {p.record["vin"] for p in plan.pushes if p.kind in ("OWNER_CHANGE", "VIN_ALREADY_BOUND")}
    assert {v for v, n in vins.items() if n > 1} == meant
    documents = Counter(p.record["subject"].get("id_number") for p in plan.pushes
                        if p.record["subject"]["type"] == "INDIVIDUAL")
    fleet = {p.record["subject"]["id_number"] for p in plan.pushes if p.kind in ("FLEET", "CARD_LIMIT_EXCEEDED")}
    assert {d for d, n in documents.items() if n > 1} == fleet


def test_follow_ups_touch_only_cards_verified_in_the_first_phase() -> None:
    plan = _plan(5)
    sold = {(p.oem, p.card) for p in plan.phase(1) if p.kind == "SALE"}
    for push in plan.phase(2):
        if push.kind == "OWNER_CHANGE":
            assert (push.oem, push.card) in sold
        else:  # a fresh card: never pushed in phase 1
            assert (push.oem, push.card) not in {(p.oem, p.card) for p in plan.phase(1)}
    seen: set[tuple[int, int]] = set()
    for probe in plan.probes:
        if probe.kind == "IMEI_SWAP":
            assert (probe.oem, probe.card) in seen  # an attach bound the card first
        seen.add((probe.oem, probe.card))


def test_expected_figures_add_up() -> None:
    plan = _plan(6, oems=3, bad_fraction=0.3)
    want = expected(plan)
    regs = want["registrations"]
    assert regs["pushed"] == regs["verified"] + regs["superseded"] + regs["rejected"] + regs["pending"]
    assert sum(want["rejected_by_reason"].values()) == regs["rejected"]
    assert len(want["rejected_by_reason"]) >= 14  # every kind shows up in a run of this size
    assert sum(want["cards_by_state"].values()) == want["cards"] == 180
    assert want["cards_by_state"]["SUSPENDED"] == want["webhooks"]["card.suspended"] > 0
    assert want["refused"] == sum(p.expect == REFUSED for p in plan.pushes) > 0
    assert len(card_states(plan)) == 180


def test_no_broken_records_and_no_outages_when_asked() -> None:
    want = expected(_plan(7, bad_fraction=0.0, outage_fraction=0.0))
    assert want["registrations"]["pending"] == 0 and want["refused"] == 0
    assert set(want["rejected_by_reason"]) <= {"IDENTITY_MISMATCH", "CARD_LIMIT_EXCEEDED"}


@pytest.mark.parametrize("bad", [{"oems": 0}, {"cards": 5}, {"bad_fraction": 1.5}, {"bad_fraction": 0.7,
                                                                                    "outage_fraction": 0.5}])
def test_impossible_parameters_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Params(**{"today": TODAY, **bad}).check()  # type: ignore[arg-type]
