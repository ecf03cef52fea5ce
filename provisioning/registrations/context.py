"""What the verifier must know beyond the records: live bindings of VINs and identity
documents (verified registrations on cards that are not terminated)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.sqlutil import chunked, in_list, inline
from provisioning.cards.states import CardState
from provisioning.cards.tables import cards
from provisioning.enterprises.tables import enterprises
from provisioning.registrations.status import RegistrationStatus
from provisioning.registrations.tables import registrations as r


@dataclasses.dataclass
class Bindings:
    #: VIN -> {iccid: owner index} of live verified registrations
    vins: dict[str, dict[str, str | None]]
    #: owner index -> iccids of an individual's live verified registrations
    owners: dict[str, set[str]]
    #: enterprise id -> callback URL (only enterprises that set one)
    callbacks: dict[int, str]
    #: iccid -> the VINs and owner indexes it is bound under (so unbinding a card does
    #: not walk every binding of the batch)
    _card_vins: dict[str, set[str]] = dataclasses.field(default_factory=dict)
    _card_owners: dict[str, set[str]] = dataclasses.field(default_factory=dict)

    def bind(self, vin: str, iccid: str, owner: str | None, individual: bool) -> None:
        self.bind_vin(vin, iccid, owner)
        if owner and individual:
            self.bind_owner(owner, iccid)

    def bind_vin(self, vin: str, iccid: str, owner: str | None) -> None:
        self.vins.setdefault(vin, {})[iccid] = owner
        self._card_vins.setdefault(iccid, set()).add(vin)

    def bind_owner(self, owner: str, iccid: str) -> None:
        self.owners.setdefault(owner, set()).add(iccid)
        self._card_owners.setdefault(iccid, set()).add(owner)

    def unbind_card(self, iccid: str) -> None:
        for vin in self._card_vins.pop(iccid, ()):
            self.vins[vin].pop(iccid, None)
        for owner in self._card_owners.pop(iccid, ()):
            self.owners[owner].discard(iccid)


# the status written out: the VIN and owner indexes hold verified registrations only
# (partial), and a bound status cannot be matched to their WHERE clause
_LIVE = (r.c.status == inline(RegistrationStatus.VERIFIED)) & (cards.c.state != CardState.TERMINATED)
_JOINED = r.join(cards, cards.c.iccid == r.c.iccid)
# Built once (the verifier reads them every step), each list as one parameter (in_list).
_BY_VIN = (select(r.c.vin, r.c.iccid, r.c.doc_index).select_from(_JOINED)
           .where(_LIVE, in_list(r.c.vin, "values")))
_BY_OWNER = (select(r.c.doc_index, r.c.iccid).select_from(_JOINED)
             .where(_LIVE, r.c.subject_type == "INDIVIDUAL", in_list(r.c.doc_index, "values")))
_CALLBACKS = select(enterprises.c.id, enterprises.c.callback_url).where(
    in_list(enterprises.c.id, "ids", expanding_on_sqlite=True), enterprises.c.callback_url.is_not(None))


async def load_bindings(conn: AsyncConnection, vins: Iterable[str], owners: Iterable[str],
                        enterprise_ids: Iterable[int]) -> Bindings:
    out = Bindings({}, {}, {})
    for part in chunked(sorted(set(vins))):
        for vin, iccid, owner in await conn.execute(_BY_VIN, {"values": part}):
            out.bind_vin(vin, iccid, owner)
    for part in chunked(sorted(set(owners))):
        for owner, iccid in await conn.execute(_BY_OWNER, {"values": part}):
            out.bind_owner(owner, iccid)
    ids = sorted(set(enterprise_ids))
    if ids:
        rows = await conn.execute(_CALLBACKS, {"ids": ids})
        out.callbacks = {row.id: row.callback_url for row in rows if row.callback_url}
    return out
