"""Phase 2 and 3 of an OEM's scenario: follow-ups on cards verified in phase 1 (owner
changes, one of them in four by a holder the identity authority disowns; a VIN already
bound; a document over its card cap) and the simulated network's questions (factory
test, first attaches, IMEI swaps, a card never sold)."""

from __future__ import annotations

import copy
from typing import Any

from provisioning.cards.states import CardState, Usage
from provisioning.simulation.breakage import MISMATCH_MARK
from provisioning.simulation.model import BATCH, REJECTED, SINGLE, VERIFIED, OemPlan, Plan, Probe, Push
from provisioning.simulation.records import Maker, Record


def _service(oem: OemPlan, card: int) -> tuple[str, str]:
    usage = oem.usage(card)
    if usage == Usage.ECALL:
        return "voice", "110"
    if usage == Usage.INFOTAINMENT:
        return "data", "203.0.113.10"
    return "data", oem.platform.replace(".0/24", ".7")


def follow_ups(plan: Plan, maker: Maker, oem: OemPlan, plain: list[int], sales: dict[int, Record],
                vin_card: int | None, limit_card: int | None, owner: dict[str, Any], idle: list[int]) -> None:
    index = oem.index
    n_change = max(1, len(plain) // 15) if plain else 0
    changed, plain = plain[:n_change], plain[n_change:]
    for n, card in enumerate(changed):
        first = sales[card]
        mismatch = n % 4 == 3
        subject = maker.individual("RESIDENT_ID" if mismatch else None)
        if mismatch:
            subject["name"] = subject["name"][:1] + MISMATCH_MARK
        record = maker.record(subject, stage="OWNER_CHANGE", vin=first["vin"], imei="imei" in first,
                              device=first.get("imei"))
        plan.pushes.append(Push(index, card, record, BATCH, 2, "OWNER_CHANGE", REJECTED if mismatch else VERIFIED,
                                "IDENTITY_MISMATCH" if mismatch else None,
                                CardState.SUSPENDED if mismatch else CardState.ACTIVE))
    if vin_card is not None and plain:
        bound = sales[plain.pop(0)]["vin"]
        plan.pushes.append(Push(index, vin_card, maker.record(maker.individual(), vin=bound), SINGLE, 2,
                                "VIN_ALREADY_BOUND", REJECTED, "VIN_ALREADY_BOUND", CardState.PENDING))
    if limit_card is not None:
        plan.pushes.append(Push(index, limit_card, maker.record(copy.deepcopy(owner)), SINGLE, 2,
                                "CARD_LIMIT_EXCEEDED", REJECTED, "CARD_LIMIT_EXCEEDED", CardState.PENDING))
    attach = plain[:max(1, len(plain) // 8)] if plain else []
    for card in oem.test_cards:
        service, destination = _service(oem, card)
        plan.probes.append(Probe(index, card, service, destination, maker.imei(), "FACTORY_TEST", True, "ALLOWED"))
    for n, card in enumerate(attach):
        service, destination = _service(oem, card)
        device = sales[card].get("imei") or maker.imei()
        plan.probes.append(Probe(index, card, service, destination, device, "ATTACH", True, "ALLOWED"))
        if n % 2 == 0:
            plan.probes.append(Probe(index, card, service, destination, maker.imei(), "IMEI_SWAP", False,
                                     "IMEI_MISMATCH", CardState.SUSPENDED))
    if idle:
        service, destination = _service(oem, idle[-1])
        plan.probes.append(Probe(index, idle[-1], service, destination, None, "UNSOLD", False, "STATE"))
