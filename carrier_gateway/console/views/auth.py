"""Sign-in with an ops, auditor or regulator token; sign-out; the language switch."""

from __future__ import annotations

from aiohttp import web

from carrier_gateway.appkeys import DB
from carrier_gateway.console import i18n, sessions
from carrier_gateway.console.i18n import _
from carrier_gateway.console.pages import (
    PREFIX,
    SESSION,
    SESSION_COOKIE,
    del_cookie,
    form_of,
    local_path,
    page,
    redirect,
    render,
    set_cookie,
)


@page("GET", "/login", action=None)
async def login_form(request: web.Request) -> web.StreamResponse:
    if request.get(SESSION) is not None:
        raise web.HTTPSeeOther(local_path(request.query.get("next")))
    return render(request, "login.html", {"next": local_path(request.query.get("next")), "errors": {}})


@page("POST", "/login", action=None)
async def login(request: web.Request) -> web.StreamResponse:
    form = form_of(request)
    target = local_path(form.get("next"))
    token = form.get("token", "")
    opened = None
    if token.strip() and len(token) <= 200:
        async with request.config_dict[DB].write() as conn:
            opened = await sessions.sign_in(conn, token)
    if opened is None:
        error = _("Enter your token.") if not token.strip() else _("This token is unknown or revoked.")
        return render(request, "login.html", {"next": target, "errors": {"token": error}}, status=401)
    done = redirect(request, target, _("Signed in as %(role)s.", role=opened.session.role))
    set_cookie(request, done, SESSION_COOKIE, opened.cookie)
    raise done


@page("POST", "/logout", action=None)
async def logout(request: web.Request) -> web.StreamResponse:
    session = request.get(SESSION)
    if session is not None:
        async with request.config_dict[DB].write() as conn:
            await sessions.sign_out(conn, session)
    done = redirect(request, PREFIX + "/login", _("Signed out."))
    del_cookie(request, done, SESSION_COOKIE)
    raise done


@page("GET", "/lang/{lang:zh|en}", action=None)
async def switch_language(request: web.Request) -> web.StreamResponse:
    """Remembered for a year in a cookie (a preference, not a secret)."""
    done = web.HTTPSeeOther(local_path(request.query.get("next")))
    set_cookie(request, done, i18n.LANG_COOKIE, request.match_info["lang"], max_age=365 * 86400)
    raise done
