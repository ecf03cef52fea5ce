"""The scenario: enterprises, cards, every push and every network question, in order.

Phase 1 sells cards (single pushes, batches, back-registration jobs; some records
broken, some held up by an identity-authority outage). Phase 2 follows up on cards
verified in phase 1 (owner changes, a VIN already bound, one document over its card
cap), so it must start only once phase 1 is decided. Phase 3 is the simulated
network: first attaches bind an IMEI, a different IMEI suspends the card.

Every choice comes from ``random.Random(seed)`` and no two records share a VIN or a
document unless the scenario means them to, so the outcome of every push is fixed by
the plan whatever order the service happens to verify them in.

>>> import datetime
>>> a = build_plan(Params(seed=1, oems=2, cards=40, today=datetime.date(2026, 11, 20)))
>>> b = build_plan(Params(seed=1, oems=2, cards=40, today=datetime.date(2026, 11, 20)))
>>> a.fingerprint() == b.fingerprint(), len(a.oems)
(True, 2)
"""

from __future__ import annotations

import copy
import random

from provisioning.cards.states import CardState, Usage
from provisioning.documents import fake_names
from provisioning.simulation.breakage import KINDS, broken, outage
from provisioning.simulation.followups import follow_ups
from provisioning.simulation.model import (
    BATCH,
    JOB,
    PENDING,
    REFUSED,
    REJECTED,
    SINGLE,
    VERIFIED,
    OemPlan,
    Params,
    Plan,
    Probe,
    Push,
)
from provisioning.simulation.records import Maker

__all__ = ["BATCH", "JOB", "PENDING", "REFUSED", "REJECTED", "SINGLE", "VERIFIED", "OemPlan", "Params", "Plan",
           "Probe", "Push", "build_plan"]


def build_plan(params: Params) -> Plan:
    params.check()
    rng = random.Random(params.seed)
    maker = Maker(rng, today=params.today, min_age=params.min_age)
    plan = Plan(params, [], [], [])
    kinds = [k for k in KINDS if k != "HOLDER_UNDERAGE" or params.min_age >= 1]
    rng.shuffle(kinds)
    for index in range(params.oems):
        _build_oem(plan, maker, index, kinds)
    return plan


def _enterprise(maker: Maker, index: int, cards: int) -> OemPlan:
    name = maker.fresh("org", lambda: fake_names.organization_name(maker.rng))
    persons = [{"role": role, **maker.person(), "email": f"{role.lower()}{index}@oem{index}.example.cn"}
               for role in ("PURCHASE", "REAL_NAME")]
    if index == 0:  # a change of the real-name responsible person: the roster has history
        persons.append({"role": "REAL_NAME", **maker.person(), "email": "real_name.next@oem0.example.cn"})
    ecall = infotainment = cards // 10
    tbox = cards - ecall - infotainment
    bits = (tbox * 2 + 16).bit_length()
    orders = [(Usage.TBOX, tbox, bits <= 20), (Usage.ECALL, ecall, False), (Usage.INFOTAINMENT, infotainment, False)]
    destinations = [("PLATFORM_PREFIX", f"172.{16 + index % 16}.{index // 16}.0/24"),
                    ("SHORT_CODE", f"10658{index:03d}"), ("CALL_CENTRE", f"40080{index:05d}")]
    return OemPlan(index, name, maker.uscc(), persons, destinations, orders, 32 - bits, [], [])


def _build_oem(plan: Plan, maker: Maker, index: int, kinds: list[str]) -> None:
    """One OEM's cards and pushes; broken records take the next ``kinds`` in turn, the
    turn carrying on from one OEM to the next so even a small run shows every kind."""
    params, rng = plan.params, maker.rng
    oem = _enterprise(maker, index, params.cards)
    plan.oems.append(oem)
    order = list(range(params.cards))
    rng.shuffle(order)
    unsold, order = order[:max(3, params.cards // 10)], order[max(3, params.cards // 10):]
    tbox_unsold = [c for c in unsold if oem.usage(c) == Usage.TBOX]
    oem.test_cards = tbox_unsold[:max(1, len(unsold) // 4)]
    idle = [c for c in unsold if c not in oem.test_cards]
    vin_card = order.pop() if params.bad_fraction > 0 else None
    fleet_size = params.max_cards_per_document
    fleet = index == 0 and 1 <= fleet_size <= len(order) // 4
    limit_card = order.pop() if fleet else None
    fleet_cards, order = (order[:fleet_size], order[fleet_size:]) if fleet else ([], order)
    n_bad, n_out = round(params.bad_fraction * len(order)), round(params.outage_fraction * len(order))
    bad, held, valid = order[:n_bad], order[n_bad:n_bad + n_out], order[n_bad + n_out:]
    channel = {c: _channel(rng) for c in order}
    turn = sum(1 for p in plan.pushes if p.phase == 1 and p.kind in KINDS)
    kind_of = {card: kinds[(turn + n) % len(kinds)] for n, card in enumerate(bad)}
    held_set, replayed = set(held), False
    for card in order:
        maker.stage = "BACKFILL" if channel[card] == JOB else "AT_SALE"
        if card in kind_of:
            b = broken(maker, kind_of[card])
            push = Push(index, card, b.record, channel[card], 1, kind_of[card], REJECTED if b.stored else REFUSED,
                        b.code, CardState.PENDING if b.card_effect == "REJECTED" else None, names_card=b.foreign_card)
        elif card in held_set:
            push = Push(index, card, outage(maker), channel[card], 1, "OUTAGE", PENDING, None, CardState.PENDING)
        else:
            push = Push(index, card, maker.sale(imei=rng.random() >= 0.2), channel[card], 1, "SALE", VERIFIED,
                        None, CardState.ACTIVE)
            if push.channel == SINGLE and not replayed:
                push.replay = replayed = True
        push.by_msisdn = not push.names_card and rng.random() < 0.1
        plan.pushes.append(push)
    maker.stage = "AT_SALE"
    owner = maker.individual("RESIDENT_ID")
    for card in fleet_cards:
        plan.pushes.append(Push(index, card, maker.record(copy.deepcopy(owner)), BATCH, 1, "FLEET", VERIFIED, None,
                                CardState.ACTIVE))
    oem.flagged = sorted([c for c in order if channel[c] == JOB] + idle[:2])
    sales = {p.card: p.record for p in plan.pushes if p.oem == index and p.kind == "SALE"}
    follow_ups(plan, maker, oem, [c for c in valid if c in sales], sales, vin_card, limit_card, owner, idle)


def _channel(rng: random.Random) -> str:
    draw = rng.random()
    return SINGLE if draw < 0.25 else (BATCH if draw < 0.8 else JOB)


