"""The ``card.suspended`` webhook: its body, built in one place for every cause, and its
one way into the outbox for a single card."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from provisioning.cards.states import CardState, SuspensionCause
from provisioning.enterprises.tables import enterprises
from provisioning.outbox import queue as outbox

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


async def announce_suspension(conn: AsyncConnection, enterprise_id: int, iccid: str, registration_id: str | None,
                              cause: str, now: dt.datetime) -> None:
    """A card.suspended webhook through the outbox, in this transaction, for an
    enterprise with a callback URL."""
    callback = (await conn.execute(select(enterprises.c.callback_url)
                                   .where(enterprises.c.id == enterprise_id))).scalar()
    if callback:
        await outbox.enqueue(conn, enterprise_id, "card.suspended", suspended_event(iccid, registration_id, cause, now))
