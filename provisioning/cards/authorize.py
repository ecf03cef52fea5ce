"""The simulated core network's question: may this card use this service to reach
this destination now? Also machine-card binding (Anti-Telecom-Fraud Law Art. 12):
the first IMEI an ACTIVE card attaches with is bound; a different one suspends it.

``authorize(conn, req, write=False)`` only reads and answers ``needs_write`` when the
answer would bind or suspend; the caller then repeats with ``write=True`` inside a
write transaction. So the hot path (known card, bound IMEI) is one read transaction.

Destinations per scope: ``PLATFORMS`` and ``TEST_APN`` (factory test) accept an IP
inside a registered platform prefix (the enterprise APN routes there and nowhere
else; an ``apn`` given in the request must be the enterprise's); ``INTERNET`` accepts
any IP; SMS accepts only mobile-terminated messages whose sender is a registered short
code; voice accepts outgoing calls to 110/119/120/122 and registered call centres.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import netaddr
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from stdnum import luhn

from numbering.dbtypes import utcnow
from provisioning.audit.trail import Event, record
from provisioning.cards import lifecycle, services
from provisioning.cards.states import CardState, SuspensionCause
from provisioning.cards.store import Card, card_from_row, find_card
from provisioning.cards.tables import cards
from provisioning.enterprises.destinations import Destinations, load_destinations, normalize_number
from provisioning.enterprises.tables import enterprises
from provisioning.metering import octets


@dataclasses.dataclass(frozen=True)
class Request:
    service: str
    #: None for an attach (a RADIUS Access-Request): the data session through ``apn``, not one flow
    destination: str | None
    iccid: str | None = None
    imsi: str | None = None
    imei: str | None = None
    #: SMS and voice: MO (the card sends or calls) or MT (the card receives)
    direction: str = "MO"
    apn: str | None = None
    #: data used in the current period (month, or the factory test), if the network knows it;
    #: otherwise the accounted usage counts (provisioning.metering)
    used_mb: float | None = None


@dataclasses.dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str
    detail: str
    iccid: str | None = None
    state: str | None = None
    needs_write: bool = False
    #: the card, when allowed (an attach needs its address and enterprise)
    card: Card | None = dataclasses.field(default=None, repr=False, compare=False)


def _deny(reason: str, detail: str, card: Card | None = None) -> Decision:
    return Decision(False, reason, detail, card.iccid if card else None, card.state if card else None)


def valid_imei(imei: str) -> bool:
    """15 digits with a Luhn check digit.

    >>> valid_imei("356938035643809"), valid_imei("356938035643808"), valid_imei("35693803564380")
    (True, False, False)
    """
    return len(imei) == 15 and imei.isascii() and imei.isdigit() and luhn.is_valid(imei)


async def authorize(conn: AsyncConnection, req: Request, *, write: bool = False, actor: str = "network",
                    now: dt.datetime | None = None) -> Decision:
    if req.service not in services.SERVICES:
        return _deny("SERVICE_UNKNOWN", f"service must be one of {', '.join(services.SERVICES)}")
    if (req.iccid is None) == (req.imsi is None):
        return _deny("CARD_UNKNOWN", "give exactly one of iccid or imsi")
    found = await _card_and_apn(conn, req, for_update=write)
    if found is None:
        return _deny("CARD_UNKNOWN", "no such card")
    card, apn = found
    if req.imei is not None and card.state == CardState.ACTIVE:
        if not valid_imei(req.imei):
            return _deny("IMEI_INVALID", "the IMEI is not 15 digits with a valid check digit", card)
        if card.imei != req.imei:
            if not write:
                return Decision(False, "", "", card.iccid, card.state, needs_write=True)
            card, refused = await _bind_or_suspend(conn, card, req.imei, actor, now or utcnow())
            if refused is not None:
                return refused
    dest = await load_destinations(conn, card.enterprise_id, apn)
    used = req.used_mb
    if used is None and req.service == "data" and services.data_cap_mb(card.usage, card.state) is not None:
        since = octets.period_start(card.state == CardState.TEST, card.state_changed_at, now or utcnow())
        used = await octets.used_mb(conn, card.iccid, since)
    g = services.grant(card.usage, card.state, card.real_name_status, req.service, dest, used)
    if not g.allowed:
        return _deny(g.rule, g.reason, card)
    return _check_destination(card, g, dest, req)


async def _card_and_apn(conn: AsyncConnection, req: Request, *, for_update: bool) -> tuple[Card, str] | None:
    """The card and its enterprise's APN in one query (the hot path)."""
    key = cards.c.iccid == req.iccid.strip().upper() if req.iccid else cards.c.imsi == (req.imsi or "").strip()
    query = select(cards, enterprises.c.apn).join(enterprises, enterprises.c.id == cards.c.enterprise_id).where(key)
    if for_update:
        query = query.with_for_update(of=cards)
    row = (await conn.execute(query)).first()
    return (card_from_row(row), row.apn) if row else None


async def _bind_or_suspend(conn: AsyncConnection, card: Card, imei: str, actor: str,
                           now: dt.datetime) -> tuple[Card, Decision | None]:
    if card.imei is None:
        bound = await conn.execute(update(cards).where(cards.c.iccid == card.iccid, cards.c.imei.is_(None),
                                                       cards.c.state == CardState.ACTIVE)
                                   .values(imei=imei, imei_bound_at=now))
        if bound.rowcount == 1:
            await record(conn, Event(actor, "card.imei_bound", "card", card.iccid, card.enterprise_id,
                                     {"imei_tac": imei[:8]}), at=now)
            return card, None
        card = await find_card(conn, iccid=card.iccid) or card
        if card.imei == imei:
            return card, None
    suspended = await lifecycle.suspend(conn, card.iccid, cause=SuspensionCause.IMEI_CHANGE, actor=actor,
                                        reason="a device with a different IMEI attached (machine-card binding)",
                                        now=now, detail={"imei_tac": imei[:8]})
    return suspended, _deny("IMEI_MISMATCH", "the card is bound to another device; it is now SUSPENDED", suspended)


def _check_destination(card: Card, g: services.Grant, dest: Destinations, req: Request) -> Decision:
    ok = Decision(True, "ALLOWED", g.reason, card.iccid, card.state, card=card)
    if req.destination is None:  # an attach: the session goes through the enterprise APN, or nowhere
        if req.service != "data":
            return _deny("DESTINATION_INVALID", f"{req.service} needs a destination", card)
        if (req.apn or "").strip().lower() != dest.apn:
            return _deny("APN_NOT_ALLOWED", f"data only through the enterprise APN {dest.apn}", card)
        return ok
    if req.service == "data":
        try:
            address = netaddr.IPAddress(req.destination.strip())
        except (netaddr.AddrFormatError, ValueError, TypeError):
            return _deny("DESTINATION_INVALID", "data destination must be an IPv4 or IPv6 address", card)
        if g.scope == "INTERNET":
            return ok
        if req.apn is not None and req.apn.strip().lower() != dest.apn:
            return _deny("APN_NOT_ALLOWED", f"data only through the enterprise APN {dest.apn}", card)
        if not dest.reaches_platform(address):
            return _deny("DESTINATION_NOT_REGISTERED", "the address is outside the registered platform prefixes",
                         card)
        return ok
    number = normalize_number(req.destination)
    if req.service == "sms":
        if req.direction != "MT":
            return _deny("SMS_MO_NOT_ALLOWED", "only mobile-terminated SMS (remote wake-up) is allowed", card)
        if number not in dest.short_codes:
            return _deny("SMS_SENDER_NOT_ALLOWED", "the sender is not a registered short code", card)
        return ok
    if req.direction != "MO":
        return _deny("VOICE_MT_NOT_ALLOWED", "only outgoing calls are allowed", card)
    if number not in services.EMERGENCY_NUMBERS and number not in dest.call_centres:
        return _deny("VOICE_NUMBER_NOT_ALLOWED", "the number is neither an emergency nor a call-centre number",
                     card)
    return ok
