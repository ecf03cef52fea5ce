"""Registrations a process accepted, handed straight to its own verifier.

Acceptance already holds everything the verifier reads of a new registration (the row
it wrote, the subject it sealed); claiming the row back from the queue and opening the
subject again would redo that work. When this process runs a verifier with room in its
hand-off, acceptance writes each new row *already claimed*: ``due_at`` is the lease
mark of the hand-off (now + the lease) instead of now, so no other verifier claims it,
and after the commit the rows go to the verifier in memory.

Nothing else changes in what is stored or decided. The verifier writes a handed-off
row's outcome only if it still carries that mark (each outcome UPDATE is guarded by it,
see ``Verifier._decide_and_write``), as for a row it claimed; if the process stops
before deciding, the lease runs out and any verifier claims the row from the database,
as after a crash mid-step. A row whose hand-off never
happened (an error after the commit) is claimed the same way once its lease is over.

Personal data: the subjects are plaintext in this process's memory only (as they were
while the request was handled), at most ``limit`` rows, each dropped when its
verification step takes it; nothing is written anywhere.
"""

from __future__ import annotations

import collections
import datetime as dt
import time
from collections.abc import Sequence
from typing import NamedTuple

from provisioning.privacy.keyring import Keyring
from provisioning.registrations.accept import Incoming, Inspected, Prepared, prepare
from provisioning.registrations.queue import Claimed
from provisioning.registrations.records import Subject


class Handed(NamedTuple):
    """A registration handed to the verifier: its row as a claim would return it, its
    subject as accepted, and the lease mark its row was written with (a named tuple, as
    ``Claimed``)."""

    claimed: Claimed
    subject: Subject
    mark: int
    #: the individual's document as acceptance inspected it on ``day`` (``accept.Inspected``)
    document: Inspected | None
    day: dt.date


class Handoff:
    #: rows a hand-off holds at most (past it, acceptance writes rows due now, for any verifier)
    LIMIT = 20_000

    def __init__(self, *, lease_seconds: int, limit: int = LIMIT) -> None:
        self.lease_seconds = lease_seconds
        self.limit = limit
        self._rows: collections.deque[Handed] = collections.deque()

    @property
    def size(self) -> int:
        """Rows waiting for the verifier."""
        return len(self._rows)

    def mark_for(self, count: int) -> int | None:
        """The lease mark to write ``count`` new rows with, or None when the hand-off has
        no room for them (they are then written due now, for any verifier to claim)."""
        if len(self._rows) + count > self.limit:
            return None
        return int(time.time()) + self.lease_seconds

    def prepare(self, keyring: Keyring, items: Sequence[Incoming]) -> Prepared:
        """``accept.prepare``, the rows written claimed for this hand-off when it has room."""
        return prepare(keyring, items, claimed_until=self.mark_for(len(items)))

    def give(self, prepared: Prepared, outcomes: Sequence[object]) -> None:
        """After the commit: the rows of ``prepared`` that it created (an outcome
        ``(id, True)``) and wrote claimed go to the verifier."""
        if prepared.claimed_until is None:
            return
        mark, day = prepared.claimed_until, prepared.day
        for item, row, document, outcome in zip(prepared.items, prepared.rows, prepared.documents, outcomes,
                                                strict=True):
            if isinstance(outcome, tuple) and outcome[1]:
                claimed = Claimed(row["id"], item.enterprise_id, row["card_ref"], row["stage"],  # type: ignore[arg-type]
                                  row["subject_type"], row["id_type"], row["subject_enc"],  # type: ignore[arg-type]
                                  row["doc_index"], row["vin"], row["imei"], row["sold_at"],  # type: ignore[arg-type]
                                  0, 0, None)
                self._rows.append(Handed(claimed, item.record.subject, mark, document, day))

    def take(self, limit: int) -> tuple[int, list[Handed]]:
        """Up to ``limit`` rows that share the oldest mark, in arrival order: (mark, rows)."""
        if not self._rows:
            return 0, []
        mark = self._rows[0].mark
        out: list[Handed] = []
        while self._rows and len(out) < limit and self._rows[0].mark == mark:
            out.append(self._rows.popleft())
        return mark, out

    def drain(self) -> dict[str, int]:
        """Every row still here, forgotten: {id: its lease mark} (to release them)."""
        out = {h.claimed.id: h.mark for h in self._rows}
        self._rows.clear()
        return out
