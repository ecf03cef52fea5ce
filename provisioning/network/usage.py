"""A card's accounted usage as people and the API see it: totals, and its current
period against its data cap (the sums are ``provisioning.metering``'s)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.dbtypes import utcnow
from provisioning.cards import services
from provisioning.cards.states import CardState
from provisioning.cards.store import Card, get_card
from provisioning.metering import octets


@dataclasses.dataclass(frozen=True)
class CardUsage:
    sessions: int
    open_sessions: int
    input_octets: int
    output_octets: int
    period_start: dt.datetime
    period_mb: float
    cap_mb: int | None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


async def card_usage(conn: AsyncConnection, card: Card, now: dt.datetime) -> CardUsage:
    totals = await octets.card_totals(conn, card.iccid)
    since = octets.period_start(card.state == CardState.TEST, card.state_changed_at, now)
    return CardUsage(totals.sessions, totals.open_sessions, totals.input_octets, totals.output_octets, since,
                     round(await octets.used_mb(conn, card.iccid, since), 3),
                     services.data_cap_mb(card.usage, card.state))


async def usage_of(conn: AsyncConnection, iccid: str, *, enterprise_id: int | None = None,
                   now: dt.datetime | None = None) -> CardUsage:
    """A card's usage by ICCID (CardNotFound when there is no such card, or not of ``enterprise_id``)."""
    return await card_usage(conn, await get_card(conn, iccid=iccid, enterprise_id=enterprise_id), now or utcnow())


def describe(u: CardUsage) -> str:
    """One line for people.

    >>> describe(CardUsage(3, 1, 2048, 1024, dt.datetime(2026, 11, 30, 16, tzinfo=dt.UTC), 0.003, 20480))
    '2048 octets in, 1024 out, 3 sessions (1 open); this period 0.003 MB of 20480 MB'
    """
    cap = f" of {u.cap_mb} MB" if u.cap_mb is not None else ""
    return (f"{u.input_octets} octets in, {u.output_octets} out, {u.sessions} sessions ({u.open_sessions} open); "
            f"this period {u.period_mb} MB{cap}")
