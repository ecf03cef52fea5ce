"""Flag and unflag cards that need back-registration (ops), in the caller's transaction.

Every ICCID must be a card of the named enterprise, or nothing is flagged: a typo in a
file of thousands must not pass silently. Flagging a card twice is harmless.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.errors import Invalid, NotFound
from numbering.sqlutil import chunked, lock_names
from provisioning.audit.trail import Event, record
from provisioning.backfill.tables import backfill_cards
from provisioning.cards.tables import cards

_CHUNK = 400


class BackfillCardsUnknown(NotFound):
    code = "CARD_NOT_FOUND"


@dataclasses.dataclass(frozen=True)
class Flagged:
    flagged: int
    already: int


def normalize(iccids: Iterable[str]) -> list[str]:
    """Stripped, upper-case, each once, in first-seen order; at least one."""
    seen: dict[str, None] = {}
    for raw in iccids:
        iccid = raw.strip().upper()
        if iccid:
            if not 18 <= len(iccid) <= 20 or not iccid.isalnum():
                raise Invalid(f"{iccid[:24]!r} is not an ICCID (18 to 20 letters and digits)", field="iccids")
            seen.setdefault(iccid)
    if not seen:
        raise Invalid("give at least one ICCID", field="iccids")
    return list(seen)


async def _present(conn: AsyncConnection, table: Table, iccids: list[str], enterprise_id: int) -> set[str]:
    """Which of ``iccids`` are rows of ``table`` (cards or flags) of this enterprise."""
    found: set[str] = set()
    for part in chunked(iccids, _CHUNK):
        rows = await conn.execute(select(table.c.iccid).where(table.c.iccid.in_(part),
                                                              table.c.enterprise_id == enterprise_id))
        found.update(r.iccid for r in rows)
    return found


def _digest(iccids: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(iccids)).encode()).hexdigest()[:16]


async def flag_cards(conn: AsyncConnection, enterprise_id: int, iccids: Iterable[str], *, actor: str) -> Flagged:
    """Flag the enterprise's cards for back-registration; audited (count and a digest
    of the list)."""
    wanted = normalize(iccids)
    await lock_names(conn, [f"backfill:{enterprise_id}"])  # "already flagged" below decides: one flagger at a time
    known = await _present(conn, cards, wanted, enterprise_id)
    unknown = [i for i in wanted if i not in known]
    if unknown:
        more = f" (and {len(unknown) - 5} more)" if len(unknown) > 5 else ""
        raise BackfillCardsUnknown(f"{len(unknown)} of {len(wanted)} ICCIDs are not cards of enterprise "
                                   f"{enterprise_id}: {', '.join(unknown[:5])}{more}; nothing was flagged",
                                   field="iccids")
    already = await _present(conn, backfill_cards, wanted, enterprise_id)
    new = [{"iccid": i, "enterprise_id": enterprise_id, "flagged_by": actor[:120]} for i in wanted
           if i not in already]
    if new:
        await conn.execute(insert(backfill_cards), new)
        await record(conn, Event(actor, "backfill.flagged", "enterprise", enterprise_id, enterprise_id,
                                 {"cards": len(new), "first": new[0]["iccid"],
                                  "digest": _digest([str(n["iccid"]) for n in new])}))
    return Flagged(len(new), len(already))


async def unflag_cards(conn: AsyncConnection, enterprise_id: int, iccids: Iterable[str], *, actor: str) -> int:
    """Remove flags set by mistake; returns how many were removed; audited."""
    wanted = normalize(iccids)
    removed = 0
    for part in chunked(wanted, _CHUNK):
        result = await conn.execute(delete(backfill_cards).where(backfill_cards.c.iccid.in_(part),
                                                                 backfill_cards.c.enterprise_id == enterprise_id))
        removed += result.rowcount or 0
    if removed:
        await record(conn, Event(actor, "backfill.unflagged", "enterprise", enterprise_id, enterprise_id,
                                 {"cards": removed, "digest": _digest(wanted)}))
    return removed
