"""Audit events that several packages write the same way."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from provisioning.audit.trail import Event

ACCEPTED = "registration.accepted"


def acceptance(items: Sequence[Any], results: Sequence[Any], *, via: str, actor: str | None = None,
               job_id: str | None = None) -> list[Event]:
    """One event per enterprise naming the registrations an acceptance created (a record
    found again, or refused, changed nothing and is left out). ``items`` are the accepted
    ``Incoming`` records and ``results`` what ``accept`` returned for them, in order.
    The actor defaults to ``oem:e<enterprise id>``. Ids only: never the records."""
    created: dict[int, list[str]] = {}
    for item, result in zip(items, results, strict=True):
        if isinstance(result, tuple) and result[1]:
            created.setdefault(item.enterprise_id, []).append(result[0])
    events = []
    for enterprise_id, ids in sorted(created.items()):
        detail: dict[str, Any] = {"via": via, "count": len(ids), "ids": ids}
        if job_id is not None:
            detail["job_id"] = job_id
        events.append(Event(actor or f"oem:e{enterprise_id}", ACCEPTED, "registration", ids[0], enterprise_id,
                            detail))
    return events
