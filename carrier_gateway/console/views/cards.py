"""Cards: search by ICCID, MSISDN or IMSI; one card with why each service is (not)
allowed, its history and registrations; a state change by hand, with a reason."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncConnection

from carrier_gateway.api.card_models import TransitionIn
from carrier_gateway.appkeys import DB
from carrier_gateway.console import permissions
from carrier_gateway.console.forms import FormErrors, submit
from carrier_gateway.console.i18n import _
from carrier_gateway.console.pages import form_of, page, redirect, render, session_of
from provisioning.cards import lifecycle, store, views
from provisioning.cards.lookup import lookup
from provisioning.cards.states import STATES, TRANSITIONS
from provisioning.cards.store import Card
from provisioning.enterprises.registry import get_enterprise
from provisioning.registrations.listing import for_card


@page("GET", "/cards", action="cards.read")
async def card_search(request: web.Request) -> web.StreamResponse:
    q = request.query.get("q", "").strip()
    cursor = request.query.get("cursor") or None
    async with request.config_dict[DB].read() as conn:
        if q:
            card = await lookup(conn, q)
            if card is not None:
                raise web.HTTPSeeOther(f"/console/cards/{card.iccid}")
        enterprise = request.query.get("enterprise", "")
        enterprise_id = int(enterprise) if enterprise.isdigit() and len(enterprise) < 10 else None
        listing = await store.list_cards(conn, cursor=cursor if cursor and cursor.isalnum() else None, limit=50,
                                         enterprise_id=enterprise_id)
    return render(request, "cards.html", {"q": q, "missing": bool(q), "cards": listing.items,
                                          "next_cursor": listing.next_cursor, "enterprise": enterprise_id})


async def _card_context(request: web.Request, conn: AsyncConnection, iccid: str) -> dict[str, Any]:
    role = session_of(request).role
    card = await store.get_card(conn, iccid=iccid)
    context: dict[str, Any] = {
        "card": views.card_dict(card, await views.card_services(conn, card)),
        "explanation": await views.explain(conn, card.iccid),
        "enterprise": await get_enterprise(conn, card.enterprise_id),
        "history": await store.history(conn, card.iccid) if permissions.may(role, "cards.history") else None,
        "registrations": await for_card(conn, card.enterprise_id, card.iccid)
        if permissions.may(role, "registrations.read") else None,
        "targets": sorted(TRANSITIONS.get(card.state, ())),
        "states": STATES,
        "audit_link": f"/console/audit?object_type=card&object_id={quote(card.iccid)}",
        "errors": {}, "values": {},
    }
    return context


@page("GET", "/cards/{iccid:[0-9A-Za-z]{1,22}}", action="cards.explain")
async def card_page(request: web.Request) -> web.StreamResponse:
    async with request.config_dict[DB].read() as conn:
        context = await _card_context(request, conn, request.match_info["iccid"].upper())
    return render(request, "card.html", context)


@page("POST", "/cards/{iccid:[0-9A-Za-z]{1,22}}/transition", action="cards.transition")
async def card_transition(request: web.Request) -> web.StreamResponse:
    iccid = request.match_info["iccid"].upper()

    async def act(body: TransitionIn) -> Card:
        async with request.config_dict[DB].write() as conn:
            return await lifecycle.transition(conn, iccid, body.to, actor=session_of(request).actor,
                                              reason=body.reason)

    try:
        card = await submit(TransitionIn, form_of(request), act)
    except FormErrors as errors:  # shown on the card page, next to the field (a missing card: 404 page)
        async with request.config_dict[DB].read() as conn:
            context = await _card_context(request, conn, iccid)
        context.update(errors=errors.as_dict(), values=form_of(request))
        return render(request, "card.html", context, status=errors.status)
    raise redirect(request, f"/console/cards/{card.iccid}",
                   _("Card %(iccid)s is now %(state)s.", iccid=card.iccid, state=card.state))
