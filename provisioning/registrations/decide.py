"""One registration's outcome, given the pure checks, the identity authority's answer,
its card (as changed so far in this batch) and the live bindings. Mutates the card
draft and the bindings so later records in the batch see this one's effect."""

from __future__ import annotations

import dataclasses
import datetime as dt

from provisioning.cards import machine
from provisioning.cards.bulk import Draft, is_iccid_ref
from provisioning.cards.states import CardState, RealNameStatus, SuspensionCause
from provisioning.registrations.authority import Answer
from provisioning.registrations.context import Bindings
from provisioning.registrations.policy import Policy
from provisioning.registrations.queue import Claimed
from provisioning.registrations.rules import Checked, Reason, reason
from provisioning.registrations.status import RegistrationStatus

#: card states from which each stage may proceed
_AT_SALE_STATES = {CardState.INVENTORY, CardState.TEST, CardState.PENDING}


@dataclasses.dataclass
class Outcome:
    status: RegistrationStatus  # VERIFIED, REJECTED or PENDING (deferred: the authority was unavailable)
    reasons: list[Reason]
    iccid: str | None = None
    superseded: str | None = None
    suspended: bool = False


def _card_reasons(stage: str, draft: Draft | None, card_ref: str) -> list[Reason]:
    if draft is None:
        field = "iccid" if is_iccid_ref(card_ref) else "msisdn"  # the field the record used
        return [reason("CARD_NOT_FOUND", field, f"no card with this {field.upper()} belongs to the pushing "
                       "enterprise")]
    state, verified = draft.state, draft.values["real_name_status"] == RealNameStatus.VERIFIED
    if state == CardState.TERMINATED:
        return [reason("CARD_STATE_CONFLICT", "iccid", "card is TERMINATED")]
    if stage == "OWNER_CHANGE":
        if state in (CardState.ACTIVE, CardState.SUSPENDED) and verified:
            return []
        return [reason("CARD_STATE_CONFLICT", "stage",
                       f"card is {state} without a verified registration: push AT_SALE or BACKFILL")]
    if state in _AT_SALE_STATES or (state == CardState.SUSPENDED
                                    and draft.values["suspension_cause"] != SuspensionCause.OPS):
        return []
    if state == CardState.ACTIVE:
        return [reason("CARD_STATE_CONFLICT", "stage", "card is ACTIVE with a verified registration: "
                       "a new owner is an OWNER_CHANGE")]
    return [reason("CARD_STATE_CONFLICT", "iccid", f"card is {state} (suspended by the carrier)")]


def decide(reg: Claimed, checked: Checked, answer: Answer | None, draft: Draft | None, bindings: Bindings,
           policy: Policy, now: dt.datetime) -> Outcome:
    reasons = list(checked.reasons)
    card_problems = _card_reasons(reg.stage, draft, reg.card_ref)
    reasons += card_problems
    iccid = draft.card.iccid if draft is not None else None
    owner, vin = reg.doc_index, checked.vin
    individual = reg.subject_type == "INDIVIDUAL"
    if not card_problems and vin and reg.stage != "OWNER_CHANGE":
        bound = bindings.vins.get(vin)  # usually none: a new car
        if bound and any(o != owner for c, o in bound.items() if c != iccid):
            reasons.append(reason("VIN_ALREADY_BOUND", "vin", "this VIN is bound to another owner's live "
                                  "registration; a change of owner is an OWNER_CHANGE"))
    if not card_problems and individual and owner:
        cards = bindings.owners.get(owner)
        held = len(cards) - (iccid in cards) if cards else 0  # the document's other live cards
        if held >= policy.max_cards_per_document:
            reasons.append(reason("CARD_LIMIT_EXCEEDED", "subject.id_number",
                                  f"this document already holds {held} live cards "
                                  f"(at most {policy.max_cards_per_document})"))
    if answer is Answer.MISMATCH:
        who = "subject" if individual else "subject.agent"
        reasons.append(reason("IDENTITY_MISMATCH", who, "the identity authority says the name and document "
                              "do not belong together"))
    if not reasons and answer is not Answer.MATCH:
        if draft is not None:
            machine.sold(draft, reg.id, now)
        return Outcome(RegistrationStatus.PENDING, [], iccid)
    if card_problems:  # not this enterprise's card, or a card in no state to take it: leave the card alone
        return Outcome(RegistrationStatus.REJECTED, reasons, iccid)
    assert draft is not None
    if reasons:
        return _reject(reg, reasons, draft, now)
    return _verify(reg, checked, draft, bindings, now)


def _reject(reg: Claimed, reasons: list[Reason], draft: Draft, now: dt.datetime) -> Outcome:
    suspended = machine.rejected(draft, reg.id, now)
    return Outcome(RegistrationStatus.REJECTED, reasons, draft.card.iccid, suspended=suspended)


def _verify(reg: Claimed, checked: Checked, draft: Draft, bindings: Bindings, now: dt.datetime) -> Outcome:
    previous = machine.verified(draft, reg.id, checked.imei, now)
    bindings.unbind_card(draft.card.iccid)
    if checked.vin:
        bindings.bind(checked.vin, draft.card.iccid, reg.doc_index, reg.subject_type == "INDIVIDUAL")
    return Outcome(RegistrationStatus.VERIFIED, [], draft.card.iccid, superseded=previous)
