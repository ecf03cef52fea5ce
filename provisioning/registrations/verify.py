"""One verification step: claim due registrations, check them, ask the identity
authority, then decide and write every outcome in one transaction.

Exactly once: outcomes are written only for rows still claimed by this step, in the
same transaction as the card changes, outbox events and audit entry they cause.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import os
import socket
import time
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.clock import CHINA
from numbering.dbtypes import executemany, utcnow
from numbering.sqlutil import UnitOfWork, lock_names
from provisioning.audit.trail import Event, record
from provisioning.cards.bulk import Draft, is_iccid_ref, load_cards, write_drafts
from provisioning.cards.events import suspended_event
from provisioning.cards.states import SuspensionCause
from provisioning.outbox.queue import enqueue_many
from provisioning.privacy.keyring import Keyring
from provisioning.registrations import queue
from provisioning.registrations.accept import SUBJECT_CONTEXT
from provisioning.registrations.authority import Answer, IdentityAuthority
from provisioning.registrations.context import load_bindings
from provisioning.registrations.decide import Outcome, decide
from provisioning.registrations.handoff import Handed, Handoff
from provisioning.registrations.policy import Policy
from provisioning.registrations.queue import Claimed
from provisioning.registrations.records import Subject
from provisioning.registrations.rules import Checked, check_parts, reason
from provisioning.registrations.status import RegistrationStatus
from provisioning.registrations.tables import registrations as r


@dataclasses.dataclass
class StepResult:
    claimed: int = 0
    verified: int = 0
    rejected: int = 0
    deferred: int = 0
    lost: int = 0  # lease ran out before the results were written; another step owns them
    failed: int = 0  # could not be decided this time (an error); retried with back-off
    given_up: int = 0  # failed too often: REJECTED with VERIFICATION_FAILED


@dataclasses.dataclass
class Verifier:
    write: UnitOfWork
    keyring: Keyring
    authority: IdentityAuthority
    policy: Policy = dataclasses.field(default_factory=Policy)
    batch_size: int = 1000
    authority_concurrency: int = 64
    #: the audit actor: which host and process decided (several may share the queue)
    actor: str = dataclasses.field(default_factory=lambda: f"verifier:{socket.gethostname()}:{os.getpid()}")
    #: called with the number of outbox events written (e.g. to wake the webhook sender)
    on_events: Callable[[int], None] | None = None
    #: after a step that found less than a full batch, the next claim waits until this
    #: long after it, so a trickle of pushes (each one waking the worker) is verified in
    #: batches instead of one fixed-cost step per push (0.1 s: a step's two transactions
    #: and its dozen statements then serve ~200 single pushes at 2,000/s instead of ~100;
    #: a push is still decided within a few tenths of a second)
    linger_seconds: float = 0.1
    #: a row whose verification failed with an error this often in a row (no decision or
    #: deferral in between) is REJECTED with VERIFICATION_FAILED instead of retried for ever
    max_failures: int = 5
    #: registrations this process accepted, written claimed for this verifier (handoff.py)
    handoff: Handoff | None = None
    _last_partial: float = dataclasses.field(default=0.0, repr=False)
    #: after a step of handed-off rows the next one looks at the queue first, so rows
    #: due there (another process's, a restart's) are never starved by a busy hand-off
    _queue_turn: bool = dataclasses.field(default=False, repr=False)

    async def step(self) -> StepResult:
        wait = self._last_partial + self.linger_seconds - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        mark, rows, handed = await self._next_rows()
        self._last_partial = time.monotonic() if len(rows) < self.batch_size else 0.0
        if not rows:
            return StepResult()
        today = dt.datetime.now(CHINA).date()
        checked: dict[str, tuple[Checked, Subject]] = {}
        failed: dict[str, BaseException] = {}
        for n, row in enumerate(rows, 1):
            if row.failures >= self.max_failures:
                checked[row.id] = (_given_up(row, self.max_failures), None)  # type: ignore[assignment]
            else:
                try:
                    checked[row.id] = self._check(row, handed.get(row.id), today)
                except Exception as exc:  # noqa: BLE001 - one unreadable row must not stop the others
                    failed[row.id] = exc
            if n % 50 == 0:  # CPU-bound: let requests in between (keeps their latency low)
                await asyncio.sleep(0)
        decidable = [row for row in rows if row.id in checked]
        answers = await self._ask_authority(decidable, checked)
        try:
            result = await self._write_step(decidable, mark, checked, answers)
        except Exception as exc:  # noqa: BLE001 - decide again one by one: only the failing row fails
            if len(decidable) <= 1:
                failed.update({row.id: exc for row in decidable})
                result = StepResult(claimed=len(decidable))
            else:
                result = await self._one_by_one(decidable, mark, checked, answers, failed)
        if failed:
            async with self.write() as conn:
                await queue.note_failures(conn, failed, mark, int(time.time()))
        result.claimed = len(rows)
        result.failed = len(failed)
        if self.on_events and result.verified + result.rejected:
            self.on_events(result.verified + result.rejected)
        return result

    async def _write_step(self, rows: Sequence[Claimed], mark: int, checked: dict[str, tuple[Checked, Subject]],
                          answers: dict[str, Answer]) -> StepResult:
        """Decide and write the step in one transaction. On SQLite, while the step's lease
        lasts, the UPDATEs themselves tell whether every row is still this step's (see
        ``_decide_and_write``); should one not be, that transaction is undone and the
        step is decided again, reading first which rows are still its own, as it is
        from the start once the lease is over (another verifier may then have claimed
        any of them)."""
        try:
            async with self.write() as conn:
                return await self._decide_and_write(conn, rows, mark, checked, answers, trust_lease=True)
        except _LeaseRanOut:
            async with self.write() as conn:
                return await self._decide_and_write(conn, rows, mark, checked, answers)

    async def _one_by_one(self, rows: Sequence[Claimed], mark: int, checked: dict[str, tuple[Checked, Subject]],
                          answers: dict[str, Answer], failed: dict[str, BaseException]) -> StepResult:
        total = StepResult()
        for row in rows:
            try:
                async with self.write() as conn:
                    one = await self._decide_and_write(conn, [row], mark, checked, answers)
            except Exception as exc:  # noqa: BLE001 - this row alone failed; it is retried, then given up
                failed[row.id] = exc
                continue
            total.verified += one.verified
            total.rejected += one.rejected
            total.deferred += one.deferred
            total.lost += one.lost
            total.given_up += one.given_up
        return total

    async def _next_rows(self) -> tuple[int, list[Claimed], dict[str, Handed]]:
        """Rows to verify: handed off by this process's acceptance (with what it read of
        them), else claimed from the queue; (lease mark, rows, the hand-offs by id)."""
        if self.handoff is not None and not self._queue_turn:
            mark, handed = self.handoff.take(self.batch_size)
            if handed:
                self._queue_turn = True
                return _as_rows(mark, handed)
        self._queue_turn = False
        async with self.write() as conn:
            mark, rows = await queue.claim(conn, limit=self.batch_size, now_s=int(time.time()),
                                           lease_seconds=self.policy.lease_seconds)
        if not rows and self.handoff is not None:
            return _as_rows(*self.handoff.take(self.batch_size))
        return mark, rows, {}

    def _check(self, row: Claimed, handed: Handed | None, today: dt.date) -> tuple[Checked, Subject]:
        if handed is None:  # claimed from the queue: open it
            subject = Subject.model_validate_json(self.keyring.decrypt(row.subject_enc, SUBJECT_CONTEXT))
            inspected = None
        else:  # as accepted; its document as inspected then, if that was today
            subject, inspected = handed.subject, handed.document if handed.day == today else None
        return check_parts(subject, row.vin, row.imei, row.sold_at, today=today, policy=self.policy,
                           inspected=inspected), subject

    async def _ask_authority(self, rows: Sequence[Claimed], checked: dict[str, tuple[Checked, Subject]]
                             ) -> dict[str, Answer]:
        """Ask about every record that passed the checks, ``authority_concurrency`` at a
        time: that many asking loops share the list (one task per loop, not per record)."""
        todo = [(row.id, checked[row.id][1]) for row in rows if not checked[row.id][0].reasons]  # given up: reasons
        answers: dict[str, Answer] = {}
        position = iter(todo)

        async def asker() -> None:
            for reg_id, subject in position:
                person = subject if subject.type == "INDIVIDUAL" else subject.agent
                assert person is not None
                try:
                    answers[reg_id] = await self.authority.check(person.id_type or "", person.id_number or "",
                                                                 person.name)
                except (OSError, TimeoutError):  # an outage never approves
                    answers[reg_id] = Answer.UNAVAILABLE

        await asyncio.gather(*(asker() for _ in range(min(self.authority_concurrency, len(todo)))))
        return answers

    async def _decide_and_write(self, conn: AsyncConnection, rows: Sequence[Claimed], mark: int,
                                checked: dict[str, tuple[Checked, Subject]], answers: dict[str, Answer],
                                *, trust_lease: bool = False) -> StepResult:
        """Decide ``rows`` and write the outcomes, only for rows still under this step's
        lease ``mark``. Which those are is read first (on PostgreSQL locking them, in
        the order ``_lock_decisions`` set). On SQLite, with ``trust_lease`` and while the
        lease lasts (no verifier claims a row before its mark), it is not read: one
        writer at a time (BEGIN IMMEDIATE), so the outcome UPDATEs, each guarded by
        PENDING and the mark, count exactly the rows still ours; should that count fall
        short, ``_LeaseRanOut`` undoes the whole transaction before anything else is
        written."""
        await self._lock_decisions(conn, rows, checked)
        trusting = trust_lease and conn.dialect.name == "sqlite" and mark > time.time()
        ours = {row.id for row in rows} if trusting else await queue.still_ours(conn, [row.id for row in rows], mark)
        result = StepResult(claimed=len(rows), lost=len(rows) - len(ours))
        rows = [row for row in rows if row.id in ours]
        if not rows:
            return result
        now = utcnow()
        cards_by_ref = await load_cards(conn, [(row.enterprise_id, row.card_ref) for row in rows], for_update=True)
        drafts: dict[str, Draft] = {}
        bindings = await load_bindings(conn, [checked[row.id][0].vin for row in rows if checked[row.id][0].vin],
                                       [row.doc_index for row in rows if row.doc_index],
                                       [row.enterprise_id for row in rows])
        outcomes: list[tuple[Claimed, Outcome]] = []
        for row in rows:
            card = cards_by_ref.get((row.enterprise_id, row.card_ref))
            if checked[row.id][1] is None:  # given up: rejected as it stands, the card left alone
                outcomes.append((row, Outcome(RegistrationStatus.REJECTED, checked[row.id][0].reasons,
                                              card.iccid if card is not None else None)))
                result.given_up += 1
                continue
            draft = None if card is None else drafts.setdefault(card.iccid, Draft.of(card))
            outcome = decide(row, checked[row.id][0], answers.get(row.id), draft, bindings, self.policy, now)
            outcomes.append((row, outcome))
        await self._write(conn, outcomes, list(drafts.values()), bindings.callbacks, now, mark,
                          expect_all=trusting)
        for _, outcome in outcomes:
            if outcome.status == RegistrationStatus.VERIFIED:
                result.verified += 1
            elif outcome.status == RegistrationStatus.REJECTED:
                result.rejected += 1
            else:
                result.deferred += 1
        return result

    @staticmethod
    async def _lock_decisions(conn: AsyncConnection, rows: Sequence[Claimed],
                              checked: dict[str, tuple[Checked, Subject]]) -> None:
        """Every rule here reads the live bindings and then decides (a VIN bound to one
        owner, the cards per document, the card's current registration for an owner
        change). Verifiers in several processes decide at once, so before reading, this
        step locks every VIN, document and card it will decide on; another step that
        shares any of them waits for this one's commit and then reads its outcome."""
        if conn.dialect.name != "postgresql":  # SQLite: BEGIN IMMEDIATE already serialises writers
            return
        # a card named by its ICCID is locked by that name as it stands (it matches the
        # card's ICCID exactly, or no card of the enterprise); one named by MSISDN is read
        iccids = {row.card_ref for row in rows if is_iccid_ref(row.card_ref)}
        by_msisdn = [(row.enterprise_id, row.card_ref) for row in rows if not is_iccid_ref(row.card_ref)]
        if by_msisdn:
            iccids |= {card.iccid for card in (await load_cards(conn, by_msisdn)).values()}
        await lock_names(conn, [*(f"vin:{checked[row.id][0].vin}" for row in rows if checked[row.id][0].vin),
                                *(f"doc:{row.doc_index}" for row in rows if row.doc_index),
                                *(f"card:{iccid}" for iccid in iccids)])

    async def _write(self, conn: AsyncConnection, outcomes: list[tuple[Claimed, Outcome]], drafts: list[Draft],
                     callbacks: dict[int, str], now: dt.datetime, mark: int, *, expect_all: bool = False) -> None:
        """Write the outcomes and what they cause. Each outcome UPDATE changes its row only
        while it is PENDING under the lease ``mark``; with ``expect_all`` every row must
        change, else ``_LeaseRanOut`` (before the cards, outbox and audit are written)."""
        decided = [{"b_id": row.id, "b_mark": mark, "v_status": o.status,
                    "v_reasons": json.dumps(o.reasons, ensure_ascii=False) if o.reasons else "[]",
                    "v_iccid": o.iccid, "v_decided_at": now, "v_attempts": row.attempts + 1}
                   for row, o in outcomes if o.status != RegistrationStatus.PENDING]
        # rows_locked: still_ours read them FOR UPDATE (PostgreSQL), and a row's outcome
        # touches its own row alone
        written = await executemany(conn, _DECIDED, decided, rows_locked=True)
        deferred = [{"b_id": row.id, "b_mark": mark, "v_iccid": o.iccid, "v_attempts": row.attempts + 1,
                     "v_due": int(time.time()) + min(2 ** (row.attempts + 1), self.policy.max_retry_seconds)}
                    for row, o in outcomes if o.status == RegistrationStatus.PENDING]
        written += await executemany(conn, _DEFERRED, deferred, rows_locked=True)
        if expect_all and written != len(outcomes):
            raise _LeaseRanOut(f"{len(outcomes) - written} of {len(outcomes)} rows are no longer this step's")
        superseded = [{"b_id": o.superseded} for _, o in outcomes if o.superseded]
        await executemany(conn, _SUPERSEDED, superseded)
        await write_drafts(conn, drafts, actor=self.actor, now=now)
        await enqueue_many(conn, _webhooks(outcomes, callbacks, now))
        await record(conn, _audit_event(self.actor, outcomes), at=now)


class _LeaseRanOut(Exception):
    """A row of the step is no longer under its lease (another verifier claimed it)."""


# The verifier's writes, built once (numbering.dbtypes.executemany compiles each once);
# an outcome is written only to a row still PENDING under the step's lease mark.
_STILL_CLAIMED = (r.c.status == RegistrationStatus.PENDING, r.c.due_at == bindparam("b_mark"))
_DECIDED = update(r).where(r.c.id == bindparam("b_id"), *_STILL_CLAIMED).values(
    status=bindparam("v_status"), reasons=bindparam("v_reasons"), iccid=bindparam("v_iccid"),
    decided_at=bindparam("v_decided_at"), attempts=bindparam("v_attempts"), failures=0)
_DEFERRED = update(r).where(r.c.id == bindparam("b_id"), *_STILL_CLAIMED).values(
    iccid=bindparam("v_iccid"), attempts=bindparam("v_attempts"), due_at=bindparam("v_due"), failures=0)
_SUPERSEDED = update(r).where(r.c.id == bindparam("b_id"), r.c.status == RegistrationStatus.VERIFIED).values(
    status=RegistrationStatus.SUPERSEDED)


def _as_rows(mark: int, handed: list[Handed]) -> tuple[int, list[Claimed], dict[str, Handed]]:
    """Handed-off rows as a step takes them: (lease mark, rows, the hand-offs by id)."""
    return mark, [h.claimed for h in handed], {h.claimed.id: h for h in handed}


def _given_up(row: Claimed, bound: int) -> Checked:
    why = row.last_error or "the process stopped while verifying it"
    return Checked([reason("VERIFICATION_FAILED", None, f"verification failed {bound} times in a row ({why}); "
                           "it was stopped so that it is not retried for ever")])


def _webhooks(outcomes: list[tuple[Claimed, Outcome]], callbacks: dict[int, str], now: dt.datetime
              ) -> list[tuple[int, str, dict[str, Any]]]:
    events = []
    for row, o in outcomes:
        if o.status == RegistrationStatus.PENDING or row.enterprise_id not in callbacks:
            continue
        base = {"registration_id": row.id, "iccid": o.iccid, "reasons": o.reasons, "occurred_at": now.isoformat()}
        events.append((row.enterprise_id, f"registration.{o.status.lower()}",
                       {"event": f"registration.{o.status.lower()}", "status": o.status, **base}))
        if o.suspended:
            events.append((row.enterprise_id, "card.suspended",
                           suspended_event(o.iccid or "", row.id, SuspensionCause.REVERIFICATION_REJECTED, now,
                                           o.reasons)))
    return events


def _audit_event(actor: str, outcomes: list[tuple[Claimed, Outcome]]) -> Event:
    detail: dict[str, Any] = {"verified": [], "rejected": [], "deferred": [], "superseded": [], "suspended": []}
    for row, o in outcomes:
        if o.status == RegistrationStatus.VERIFIED:
            detail["verified"].append([row.id, o.iccid])
        elif o.status == RegistrationStatus.REJECTED:
            detail["rejected"].append([row.id, o.iccid, sorted({x["code"] for x in o.reasons})])
        else:
            detail["deferred"].append([row.id, o.iccid])
        if o.superseded:
            detail["superseded"].append(o.superseded)
        if o.suspended:
            detail["suspended"].append(o.iccid)
    first = outcomes[0][0].id
    return Event(actor, "registration.verify_batch", "registration", first, None,
                 {k: v for k, v in detail.items() if v})


__all__ = ["StepResult", "Verifier"]
