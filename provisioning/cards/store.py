"""Card look-ups, listing and history. Every look-up can be scoped to an enterprise:
another enterprise's card is then "not found", exactly like a missing one."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from provisioning.cards.errors import CardInvalid, CardNotFound
from provisioning.cards.limits import MAX_PAGE
from provisioning.cards.states import CardState
from provisioning.cards.tables import card_history, cards
from provisioning.paging import Page, read_page


@dataclasses.dataclass(frozen=True)
class Card:
    iccid: str
    imsi: str
    msisdn: str
    static_ip: str | None
    enterprise_id: int
    order_id: int
    usage: str
    state: str
    real_name_status: str
    registration_id: str | None
    suspension_cause: str | None
    imei: str | None
    imei_bound_at: dt.datetime | None
    state_changed_at: dt.datetime
    created_at: dt.datetime

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


_FIELDS = tuple(f.name for f in dataclasses.fields(Card))


def card_from_row(row: Any) -> Card:
    return Card(**{name: getattr(row, name) for name in _FIELDS})


async def find_card(conn: AsyncConnection, *, iccid: str | None = None, msisdn: str | None = None,
                    imsi: str | None = None, enterprise_id: int | None = None,
                    for_update: bool = False) -> Card | None:
    """The card with this ICCID, live MSISDN or IMSI (exactly one given), or None."""
    given = [(c, v) for c, v in (("iccid", iccid), ("msisdn", msisdn), ("imsi", imsi)) if v is not None]
    if len(given) != 1:
        raise CardInvalid("give exactly one of iccid, msisdn or imsi")
    column, value = given[0]
    query = select(cards).where(cards.c[column] == value.strip().upper())
    if column == "msisdn":  # a quarantined number may come back on a new card: the live one counts
        query = query.where(cards.c.state != CardState.TERMINATED)
    if enterprise_id is not None:
        query = query.where(cards.c.enterprise_id == enterprise_id)
    if for_update:
        query = query.with_for_update()
    row = (await conn.execute(query)).first()
    return card_from_row(row) if row else None


async def get_card(conn: AsyncConnection, *, iccid: str | None = None, msisdn: str | None = None,
                   imsi: str | None = None, enterprise_id: int | None = None, for_update: bool = False) -> Card:
    card = await find_card(conn, iccid=iccid, msisdn=msisdn, imsi=imsi, enterprise_id=enterprise_id,
                           for_update=for_update)
    if card is None:
        kind, value = ("ICCID", iccid) if iccid else (("MSISDN", msisdn) if msisdn else ("IMSI", imsi))
        raise CardNotFound(f"no card with {kind} {value}", params={kind.lower(): value})
    return card


async def list_cards(conn: AsyncConnection, *, enterprise_id: int | None = None, state: str | None = None,
                     usage: str | None = None, cursor: str | None = None, limit: int = 100) -> Page[Card]:
    """Cards in ICCID order; ``cursor`` is the last ICCID of the previous page."""
    if not 1 <= limit <= MAX_PAGE:
        raise CardInvalid(f"limit must be 1 to {MAX_PAGE}", field="limit")
    query = select(cards)
    if enterprise_id is not None:
        query = query.where(cards.c.enterprise_id == enterprise_id)
    if state:
        query = query.where(cards.c.state == state)
    if usage:
        query = query.where(cards.c.usage == usage)
    return await read_page(conn, query, cards.c.iccid, cursor=cursor or None, limit=limit, item=card_from_row)


@dataclasses.dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    from_state: str
    to_state: str
    actor: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


async def history(conn: AsyncConnection, iccid: str, *, enterprise_id: int | None = None) -> list[HistoryEntry]:
    """Every transition of a card, oldest first."""
    card = await get_card(conn, iccid=iccid, enterprise_id=enterprise_id)
    rows = await conn.execute(select(card_history).where(card_history.c.iccid == card.iccid)
                              .order_by(card_history.c.id))
    return [HistoryEntry(r.at, r.from_state, r.to_state, r.actor, r.reason) for r in rows]
