"""One search box for a card: an ICCID, a live MSISDN or an IMSI, whichever it is."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from provisioning.cards.store import Card, find_card


async def lookup(conn: AsyncConnection, text: str) -> Card | None:
    """The card ``text`` names as ICCID, MSISDN or IMSI (in that order), or None; text that
    is no identifier at all (empty, too long, not letters and digits) finds nothing."""
    q = text.strip().upper()
    if not q or len(q) > 22 or not q.isascii() or not q.isalnum():
        return None
    for field in ("iccid", "msisdn", "imsi"):
        card = await find_card(conn, **{field: q})
        if card is not None:
            return card
    return None
