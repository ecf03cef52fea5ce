"""The console: a sub-application under /console/ of the `carrier serve` app.

One middleware does what every page needs, in this order: the reader's language, the
session (from its cookie, checked against the database), the CSRF check of every POST
(403 without a valid ``csrf_token``), then security headers on every answer, errors
included: a Content-Security-Policy without 'unsafe-inline' (no inline script or style
anywhere: the CSS is a static file), no framing, no caching of pages.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp.typedefs import Handler as AioHandler

from carrier_gateway.appkeys import DB
from carrier_gateway.console import i18n, permissions, sessions
from carrier_gateway.console.errors import explain
from carrier_gateway.console.forms import CSRF_FIELD, FormErrors
from carrier_gateway.console.i18n import _
from carrier_gateway.console.labels import label
from carrier_gateway.console.pages import (
    CONFIG,
    FORM,
    LANG,
    PRE_COOKIE,
    PRE_TOKEN,
    PREFIX,
    SESSION,
    SESSION_COOKIE,
    ConsoleConfig,
    ConsolePage,
    all_pages,
    render,
    set_cookie,
)
from numbering.clock import CHINA
from numbering.errors import DomainError

HERE = Path(__file__).resolve().parent
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
            "Referrer-Policy": "same-origin"}


def _secure_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(_HEADERS)
    if not request.path.startswith(PREFIX + "/static/"):
        response.headers["Cache-Control"] = "no-store"


async def _session(request: web.Request) -> sessions.Session | None:
    cookie = request.cookies.get(SESSION_COOKIE, "")
    if not cookie:
        return None
    db = request.config_dict[DB]
    async with db.read() as conn:
        found = await sessions.current(conn, cookie, idle=request.app[CONFIG].idle)
    if found is not None and sessions.needs_touch(found):
        async with db.write() as conn:
            await sessions.touch(conn, found)
    return found


def _csrf_ok(request: web.Request, form: dict[str, str], session: sessions.Session | None) -> bool:
    expected = session.csrf if session else request.cookies.get(PRE_COOKIE, "")
    given = form.get(CSRF_FIELD, "")
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def refusal(request: web.Request, status: int, message: str) -> web.Response:
    return render(request, "error.html", {"status": status, "message": message}, status=status)


@web.middleware
async def console_middleware(request: web.Request, handler: AioHandler) -> web.StreamResponse:
    lang = i18n.choose(request.cookies.get(i18n.LANG_COOKIE))
    i18n.activate(lang)
    request[LANG] = lang
    session = await _session(request)
    if session is not None:
        request[SESSION] = session
    elif not request.cookies.get(PRE_COOKIE):
        request[PRE_TOKEN] = secrets.token_urlsafe(32)
    try:
        if request.method == "POST":
            form = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
            request[FORM] = form
            if not _csrf_ok(request, form, session):
                response: web.StreamResponse = refusal(
                    request, 403, _("This form has expired or did not come from this console: reload the page "
                                    "and send it again."))
            else:
                response = await handler(request)
        else:
            response = await handler(request)
    except web.HTTPException as exc:
        if exc.status >= 400:
            response = refusal(request, exc.status, _("There is no page at this address.") if exc.status == 404
                               else _("This request is not accepted (HTTP %(status)s).", status=exc.status))
        else:
            _finish(request, exc)
            raise
    except DomainError as exc:  # a page about something that does not exist, or an action refused by the domain
        response = refusal(request, exc.status, explain(exc))
    except FormErrors as exc:  # a small form without a page of its own to show the error on
        response = refusal(request, exc.status, exc.general or " ".join(exc.fields.values()))
    _finish(request, response)
    return response


def _finish(request: web.Request, response: web.StreamResponse) -> None:
    _secure_headers(request, response)
    token = request.get(PRE_TOKEN)
    if token:
        set_cookie(request, response, PRE_COOKIE, token)


def _guard(page: ConsolePage) -> AioHandler:
    async def handle(request: web.Request) -> web.StreamResponse:
        if page.action is not None:
            session = request.get(SESSION)
            if session is None:
                raise web.HTTPSeeOther(f"{PREFIX}/login?next={_quoted(request.path_qs)}")
            if not permissions.may(session.role, page.action):
                return refusal(request, 403, _("Your role (%(role)s) may not do this.", role=session.role))
        return await page.handler(request)

    handle.__name__ = page.handler.__name__
    return handle


def _quoted(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="")


def _china_time(value: dt.datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S")


def _number(value: Any) -> str:
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)


def console_app(config: ConsoleConfig | None = None) -> web.Application:
    permissions.check_table()
    app = web.Application(middlewares=[console_middleware])
    app[CONFIG] = config or ConsoleConfig()
    env = aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                               extensions=["jinja2.ext.i18n"], undefined=jinja2.StrictUndefined)
    env.install_gettext_callables(lambda s: _(s), lambda s, p, n: i18n.ngettext(s, p, n), newstyle=True)
    env.filters["china_time"] = _china_time
    env.filters["number"] = _number
    env.filters["tuple_label"] = lambda code: (code, label(code))
    env.globals["label"] = label
    for page in all_pages():
        app.router.add_route(page.method, page.path, _guard(page), name=page.handler.__name__)
    app.router.add_static("/static/", HERE / "static", name="static")
    return app


def mount_console(app: web.Application, config: ConsoleConfig | None = None) -> None:
    """The console under /console/ (and /console itself sent there)."""
    app.add_subapp(PREFIX + "/", console_app(config))

    async def to_console(request: web.Request) -> web.StreamResponse:
        raise web.HTTPPermanentRedirect(PREFIX + "/")

    app.router.add_get(PREFIX, to_console)
