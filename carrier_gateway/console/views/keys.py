"""An enterprise's API keys: create, rotate (the old key kept for a grace period) and
revoke. A new secret is shown on the answer page once, never again."""

from __future__ import annotations

import datetime as dt

from aiohttp import web

from carrier_gateway.api import enterprise_models as m
from carrier_gateway.appkeys import DB, KEYRING
from carrier_gateway.console.forms import FormErrors, submit
from carrier_gateway.console.i18n import _
from carrier_gateway.console.pages import form_of, page, redirect, render, session_of
from carrier_gateway.console.views.enterprises import _detail
from provisioning.enterprises import credentials

KEY = "/keys/{key_id:ak_[0-9a-f]{1,40}}"


def _issued(request: web.Request, issued: credentials.IssuedKey, note: str) -> web.Response:
    return render(request, "key_issued.html", {"issued": issued, "note": note}, status=201)


@page("POST", "/enterprises/{enterprise_id:\\d{1,10}}/keys", action="keys.create")
async def create_key(request: web.Request) -> web.StreamResponse:
    eid = int(request.match_info["enterprise_id"])

    async def act(body: m.KeyIn) -> credentials.IssuedKey:
        async with request.config_dict[DB].write() as conn:
            return await credentials.create_key(conn, request.config_dict[KEYRING], eid,
                                                actor=session_of(request).actor, label=body.label)

    try:
        issued = await submit(m.KeyIn, form_of(request), act)
    except FormErrors as errors:
        context = await _detail(request, errors=errors.as_dict(), values=form_of(request), form="key")
        return render(request, "enterprise.html", context, status=errors.status)
    return _issued(request, issued, _("New key created."))


@page("POST", KEY + "/rotate", action="keys.rotate")
async def rotate_key(request: web.Request) -> web.StreamResponse:
    key_id = request.match_info["key_id"]

    async def act(body: m.RotateIn) -> credentials.IssuedKey:
        async with request.config_dict[DB].write() as conn:
            return await credentials.rotate_key(conn, request.config_dict[KEYRING], key_id,
                                                actor=session_of(request).actor,
                                                grace=dt.timedelta(hours=body.grace_hours))

    issued = await submit(m.RotateIn, form_of(request), act)
    return _issued(request, issued, _("Key %(old)s rotated: it keeps working for the grace period.", old=key_id))


@page("POST", KEY + "/revoke", action="keys.revoke")
async def revoke_key(request: web.Request) -> web.StreamResponse:
    async with request.config_dict[DB].write() as conn:
        info = await credentials.revoke_key(conn, request.match_info["key_id"], actor=session_of(request).actor)
    raise redirect(request, f"/console/enterprises/{info.enterprise_id}",
                   _("Key %(key)s revoked.", key=info.key_id))
