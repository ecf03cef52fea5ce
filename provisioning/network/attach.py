"""An attach: may this card open a data session on this APN from this device, and with
which address? The decision is ``provisioning.cards.authorize`` for data without a
destination (the one rule the HTTP authorize endpoint also applies), then the
session's address: the card's static one, or a lease from its enterprise's prefix on
the APN.

Like ``authorize``, ``attach(conn, req)`` only reads, and answers ``needs_write`` when
the decision would bind the IMEI, suspend the card or take a lease; the caller then
repeats it with ``write=True`` in a write transaction (``decide`` does both).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy.ext.asyncio import AsyncConnection
from stdnum import luhn

from numbering.errors import Exhausted
from numbering.identifiers.msisdn import compact
from numbering.sqlutil import UnitOfWork
from provisioning.cards.authorize import Request, authorize
from provisioning.cards.store import find_card
from provisioning.network import leases


@dataclasses.dataclass(frozen=True)
class AttachRequest:
    imsi: str | None = None
    msisdn: str | None = None
    apn: str | None = None
    #: 3GPP-IMEISV: the IMEI's first 14 digits and a 2-digit software version
    imeisv: str | None = None


@dataclasses.dataclass(frozen=True)
class Attach:
    allowed: bool
    reason: str
    detail: str
    iccid: str | None = None
    state: str | None = None
    #: the session's IPv4 address, or its IPv6 address as a /128 prefix
    framed_ip: str | None = None
    framed_ipv6_prefix: str | None = None
    needs_write: bool = False


def imei_of(imeisv: str) -> str:
    """The 15-digit IMEI of an IMEISV (the check digit recomputed); other text is returned
    as given, so the decision names it IMEI_INVALID.

    >>> imei_of("3569380356438001"), imei_of("12ab")
    ('356938035643809', '12ab')
    """
    body = imeisv.strip()[:14]
    if len(imeisv.strip()) == 16 and body.isascii() and body.isdigit():
        return body + luhn.calc_check_digit(body)
    return imeisv


async def attach(conn: AsyncConnection, req: AttachRequest, *, write: bool = False, actor: str = "network:radius",
                 now: dt.datetime | None = None) -> Attach:
    imsi = req.imsi
    if imsi is None and req.msisdn:
        card = await find_card(conn, msisdn=compact(req.msisdn))
        imsi = card.imsi if card else None
    if not imsi:
        return Attach(False, "CARD_UNKNOWN", "no card with that IMSI or MSISDN")
    imei = imei_of(req.imeisv) if req.imeisv is not None else None
    decision = await authorize(conn, Request("data", None, imsi=imsi, imei=imei, apn=req.apn), write=write,
                               actor=actor, now=now)
    if decision.needs_write:
        return Attach(False, "", "", decision.iccid, decision.state, needs_write=True)
    if not decision.allowed or decision.card is None:
        return Attach(False, decision.reason, decision.detail, decision.iccid, decision.state)
    card = decision.card
    address = card.static_ip or await leases.held(conn, card.iccid)
    if address is None:
        if not write:
            return Attach(False, "", "", card.iccid, card.state, needs_write=True)
        try:
            address = await leases.take(conn, card, (req.apn or "").strip().lower())
        except Exhausted as exc:
            return Attach(False, "NO_ADDRESS", exc.detail, card.iccid, card.state)
    v6 = ":" in address
    return Attach(True, "ALLOWED", decision.detail, card.iccid, card.state,
                  framed_ip=None if v6 else address, framed_ipv6_prefix=f"{address}/128" if v6 else None)


async def decide(read: UnitOfWork, write: UnitOfWork, req: AttachRequest, *, actor: str = "network:radius") -> Attach:
    """The attach decision: one read transaction on the hot path (known card, bound IMEI,
    address held), a write transaction only when the decision writes."""
    async with read() as conn:
        result = await attach(conn, req, actor=actor)
    if result.needs_write:
        async with write() as conn:
            result = await attach(conn, req, write=True, actor=actor)
    return result
