"""Card changes for many cards at once (the registration verifier's path).

The per-card functions in lifecycle.py are for single operations; verification decides
hundreds of cards per batch, so it loads them in one query (locked on PostgreSQL),
decides in memory against the same transition table, and writes the results with
executemany: one UPDATE shape for every card, one INSERT for the history.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.dbtypes import executemany
from numbering.sqlutil import chunked, in_list
from provisioning.cards.states import CardState, can_transition, explain_transition
from provisioning.cards.store import Card
from provisioning.cards.tables import card_history, cards

_LIVE = text("cards.state != 'TERMINATED'")
#: the columns of a Card, in its fields' order: a row is the Card's arguments as it stands
_CARD_COLUMNS = tuple(cards.c[field.name] for field in dataclasses.fields(Card))


def is_iccid_ref(ref: str) -> bool:
    """ICCIDs are 18-22 characters; IoT MSISDNs 11-13 digits."""
    return len(ref) >= 18


def _locking(query: Any) -> Any:
    """The query locking its rows, in one order, so two lockers of the same cards never
    wait on each other in a circle."""
    return query.order_by(cards.c.iccid).with_for_update()


# Built once (the verifier loads cards every step), each list as one parameter (in_list).
_BY_ICCID_READ = select(*_CARD_COLUMNS).where(cards.c.enterprise_id == bindparam("enterprise_id"),
                                              in_list(cards.c.iccid, "refs"))
# the literal state matches the partial unique index on live MSISDNs; on SQLite an
# expanding list, because with json_each its planner walks the enterprise's cards
# instead (tests/integration/test_query_plans.py)
_BY_MSISDN_READ = select(*_CARD_COLUMNS).where(in_list(cards.c.msisdn, "refs", expanding_on_sqlite=True), _LIVE,
                                               cards.c.enterprise_id == bindparam("enterprise_id"))
#: for_update -> the query
_BY_ICCID = {False: _BY_ICCID_READ, True: _locking(_BY_ICCID_READ)}
_BY_MSISDN = {False: _BY_MSISDN_READ, True: _locking(_BY_MSISDN_READ)}


async def load_cards(conn: AsyncConnection, refs: Iterable[tuple[int, str]], *,
                     for_update: bool = False) -> dict[tuple[int, str], Card]:
    """The live card behind each (enterprise id, ICCID or MSISDN); another enterprise's
    card is simply absent.

    ICCIDs and MSISDNs are looked up in separate queries, each on its own index: one
    query with an OR of both lists makes SQLite walk every card of the enterprise."""
    by_enterprise: dict[int, tuple[set[str], set[str]]] = {}
    for enterprise_id, ref in refs:
        iccids, msisdns = by_enterprise.setdefault(enterprise_id, (set(), set()))
        (iccids if is_iccid_ref(ref) else msisdns).add(ref)
    found: dict[tuple[int, str], Card] = {}
    by_iccid, by_msisdn = _BY_ICCID[for_update], _BY_MSISDN[for_update]
    for enterprise_id, (iccids, msisdns) in by_enterprise.items():
        queries = [(by_iccid, part) for part in chunked(sorted(iccids))]
        queries += [(by_msisdn, part) for part in chunked(sorted(msisdns))]
        for query, part in queries:
            for row in await conn.execute(query, {"refs": part, "enterprise_id": enterprise_id}):
                card = Card(*row)
                found[(enterprise_id, card.iccid)] = card
                if card.state != CardState.TERMINATED:
                    found[(enterprise_id, card.msisdn)] = card
    return found


@dataclasses.dataclass
class Draft:
    """A card being changed in memory: the moves made so far and the final values."""

    card: Card
    values: dict[str, Any]
    moves: list[tuple[str, str, str]] = dataclasses.field(default_factory=list)

    @classmethod
    def of(cls, card: Card) -> Draft:
        return cls(card, {"state": card.state, "real_name_status": card.real_name_status,
                          "registration_id": card.registration_id, "imei": card.imei,
                          "imei_bound_at": card.imei_bound_at, "suspension_cause": card.suspension_cause,
                          "state_changed_at": card.state_changed_at})

    @property
    def state(self) -> str:
        return self.values["state"]  # type: ignore[no-any-return]  # a CardState (a str) or the stored text

    def move(self, target: str, reason: str, now: dt.datetime) -> None:
        if not can_transition(self.state, target):
            raise ValueError(explain_transition(self.state, target))
        self.moves.append((self.state, target, reason))
        if self.state == CardState.SUSPENDED:
            self.values["suspension_cause"] = None
        self.values["state"] = target
        self.values["state_changed_at"] = now

    @property
    def changed(self) -> bool:
        return bool(self.moves) or any(self.values[k] != getattr(self.card, k) for k in self.values)


_HISTORY = insert(card_history)


@functools.cache
def _draft_update(columns: tuple[str, ...]) -> Any:
    """UPDATE cards SET the drafts' columns, built once per set of columns."""
    return (update(cards).where(cards.c.iccid == bindparam("b_iccid"))
            .values({k: bindparam(f"v_{k}") for k in columns}))


async def write_drafts(conn: AsyncConnection, drafts: Sequence[Draft], *, actor: str, now: dt.datetime) -> int:
    """Write every changed draft: one executemany UPDATE, one history INSERT. Each
    draft's card was read FOR UPDATE in this transaction (``load_cards(...,
    for_update=True)``, ``get_card(..., for_update=True)``), and no move changes a value
    another card's change depends on (none leaves TERMINATED, where a live MSISDN or
    static IP would come back), so the UPDATE may visit the cards in any order."""
    changed = [d for d in drafts if d.changed]
    if not changed:
        return 0
    names = {k: f"v_{k}" for k in changed[0].values}  # every draft's values have these keys, in this order
    stmt = _draft_update(tuple(names))
    await executemany(conn, stmt, [dict(zip(names.values(), d.values.values(), strict=True), b_iccid=d.card.iccid)
                                   for d in changed], rows_locked=True)
    history = [{"iccid": d.card.iccid, "enterprise_id": d.card.enterprise_id, "from_state": a, "to_state": b,
                "actor": actor, "reason": why, "at": now} for d in changed for a, b, why in d.moves]
    await executemany(conn, _HISTORY, history)
    return len(changed)
