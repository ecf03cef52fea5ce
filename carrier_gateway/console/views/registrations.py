"""Registrations: filtered and paged; one registration, masked; in clear only for an
auditor who states a purpose (the read is audited, as on the API)."""

from __future__ import annotations

from typing import Any, Literal

from aiohttp import web
from pydantic import Field

from carrier_gateway.appkeys import DB, KEYRING
from carrier_gateway.console.forms import FormErrors, list_filters, submit
from carrier_gateway.console.pages import form_of, page, render, session_of
from provisioning.inputs import Input, RowId
from provisioning.personal_data import disclosure
from provisioning.registrations import listing
from provisioning.when import Since, Until

STATUSES = ("PENDING", "VERIFIED", "REJECTED", "SUPERSEDED")
RID = "/registrations/{registration_id:r[0-9a-f]{1,40}}"


class RegistrationFilters(Input):
    status: Literal["PENDING", "VERIFIED", "REJECTED", "SUPERSEDED"] | None = None
    reason: str | None = Field(None, pattern=r"^[A-Z0-9_]{1,64}$")
    enterprise_id: RowId | None = None
    since: Since | None = Field(None, alias="from")
    until: Until | None = Field(None, alias="to")
    before: str | None = Field(None, pattern=r"^r[0-9a-f]{1,40}$")


class PurposeIn(Input):
    purpose: str = Field(min_length=1, max_length=300)


@page("GET", "/registrations", action="registrations.read")
async def registration_list(request: web.Request) -> web.StreamResponse:
    q, errors = list_filters(RegistrationFilters, dict(request.query))
    filters = listing.Filters(status=q.status, reason=q.reason, enterprise_id=q.enterprise_id, since=q.since,
                              until=q.until)
    async with request.config_dict[DB].read() as conn:
        found = await listing.list_registrations(conn, filters, before=q.before, limit=50)
    kept = {k: v for k, v in request.query.items() if k != "before" and v}
    return render(request, "registrations.html", {
        "items": found.items, "next_cursor": found.next_cursor, "values": dict(request.query), "errors": errors,
        "statuses": [(s, s) for s in STATUSES], "kept": kept})


async def _view(request: web.Request) -> dict[str, Any]:
    async with request.config_dict[DB].read() as conn:
        return await disclosure.registration(conn, request.config_dict[KEYRING], request.match_info["registration_id"])


@page("GET", RID, action="registrations.read")
async def registration_page(request: web.Request) -> web.StreamResponse:
    return render(request, "registration.html", {"r": await _view(request), "unmasked": False, "errors": {},
                                                 "values": {}})


@page("POST", RID + "/unmasked", action="registrations.unmasked")
async def registration_unmasked(request: web.Request) -> web.StreamResponse:
    async def act(body: PurposeIn) -> dict[str, Any]:
        async with request.config_dict[DB].write() as conn:
            return await disclosure.unmasked_registration(conn, request.config_dict[KEYRING],
                                                          request.match_info["registration_id"],
                                                          actor=session_of(request).actor, purpose=body.purpose,
                                                          via="console")

    try:
        view = await submit(PurposeIn, form_of(request), act)
    except FormErrors as errors:
        return render(request, "registration.html", {"r": await _view(request), "unmasked": False,
                                                     "errors": errors.as_dict(), "values": form_of(request)},
                      status=errors.status)
    return render(request, "registration.html", {"r": view, "unmasked": True, "errors": {}, "values": {}})
