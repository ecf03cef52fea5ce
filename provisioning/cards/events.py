"""The ``card.suspended`` webhook body, built in one place for every cause."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from provisioning.cards.states import CardState, SuspensionCause

#: the webhook's first reason per cause (fixed texts: an ops reason is free text and stays internal)
SUSPENSION_REASONS = {
    SuspensionCause.IMEI_CHANGE: ("imei", "a device with a different IMEI attached (machine-card binding)"),
    SuspensionCause.REVERIFICATION_REJECTED: ("stage", "the re-verification was rejected"),
    SuspensionCause.OPS: (None, "suspended by the carrier"),
}


def suspended_event(iccid: str, registration_id: str | None, cause: str, now: dt.datetime,
                    reasons: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """``reasons`` (a rejected registration's) follow the cause's own reason."""
    field, message = SUSPENSION_REASONS[cause]
    return {"event": "card.suspended", "registration_id": registration_id, "iccid": iccid,
            "status": CardState.SUSPENDED, "reasons": [{"code": cause, "field": field, "message": message}, *reasons],
            "occurred_at": now.isoformat()}
