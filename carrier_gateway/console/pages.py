"""Console pages are declared like API endpoints, but apart from them: each names the
console action (see ``permissions``) it needs; a page without an action is public
(sign-in, language, static files). They are not API operations and never appear in
/openapi.json."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import pkgutil
import urllib.parse
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from carrier_gateway.console import i18n, permissions
from carrier_gateway.console.sessions import Session

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
SESSION = web.RequestKey("console_session", Session)
LANG = web.RequestKey("console_lang", str)
#: the form fields of a POST, read once (by the CSRF check) before the handler runs
FORM = web.RequestKey("console_form", dict)
SESSION_COOKIE = "console_session"
PRE_COOKIE = "console_pre"  # a random value before sign-in: the sign-in form's CSRF token
FLASH_COOKIE = "console_flash"
PREFIX = "/console"


@dataclasses.dataclass(frozen=True)
class ConsoleConfig:
    #: a session unused this long is over
    idle: dt.timedelta = dt.timedelta(minutes=30)


CONFIG = web.AppKey("console_config", ConsoleConfig)


@dataclasses.dataclass(frozen=True)
class ConsolePage:
    """One page of the console: its route, handler and the action it needs (None: any role)."""

    method: str
    path: str
    handler: Handler
    action: str | None


#: by method and path: a module imported twice (pytest's doctest collection does) replaces its pages
PAGES: dict[tuple[str, str], ConsolePage] = {}


def page(method: str, path: str, *, action: str | None) -> Callable[[Handler], Handler]:
    def decorate(handler: Handler) -> Handler:
        PAGES[(method, path)] = ConsolePage(method, path, handler, action)
        return handler

    return decorate


def all_pages() -> list[ConsolePage]:
    """Every page of every module in ``carrier_gateway.console.views``."""
    from carrier_gateway.console import views

    for info in sorted(pkgutil.iter_modules(views.__path__), key=lambda m: m.name):
        importlib.import_module(f"{views.__name__}.{info.name}")
    return list(PAGES.values())


def session_of(request: web.Request) -> Session:
    """The signed-in session (pages with an action only run with one)."""
    return request[SESSION]


def form_of(request: web.Request) -> dict[str, str]:
    return request.get(FORM, {})


def local_path(target: str | None, default: str = PREFIX + "/") -> str:
    """``target`` if it is a console path of this site, else ``default`` (no open redirect)."""
    if target and target.startswith(PREFIX + "/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def redirect(request: web.Request, location: str, flash: str | None = None) -> web.HTTPSeeOther:
    """303 to ``location``; ``flash`` is the one-line message the next page shows."""
    exc = web.HTTPSeeOther(location)
    if flash:
        set_cookie(request, exc, FLASH_COOKIE, urllib.parse.quote(flash), max_age=60)
    return exc


def set_cookie(request: web.Request, response: web.StreamResponse, name: str, value: str, *,
               max_age: int | None = None) -> None:
    """Every cookie of the console: for its pages only, never readable by a script, never sent
    from another site, and Secure whenever the browser came over TLS (``request.secure``: TLS
    to this process, or to a proxy trusted to say so, see carrier_gateway.proxy)."""
    response.set_cookie(name, value, path=PREFIX, httponly=True, samesite="Strict", secure=request.secure,
                        max_age=max_age)


def del_cookie(request: web.Request, response: web.StreamResponse, name: str) -> None:
    """A console cookie ended, with the same attributes it was set with."""
    response.del_cookie(name, path=PREFIX, httponly=True, samesite="Strict", secure=request.secure)


def render(request: web.Request, template: str, context: dict[str, Any], *, status: int = 200) -> web.Response:
    session = request.get(SESSION)
    flash = request.cookies.get(FLASH_COOKIE)
    csrf = session.csrf if session else request.get(PRE_TOKEN, request.cookies.get(PRE_COOKIE, ""))
    base = {"session": session, "lang": request.get(LANG, i18n.DEFAULT), "csrf_token": csrf,
            "flash": urllib.parse.unquote(flash) if flash else None, "path": request.path_qs,
            "may": (lambda action: session is not None and permissions.may(session.role, action)),
            "html_lang": i18n.HTML_LANG[request.get(LANG, i18n.DEFAULT)]}
    response = aiohttp_jinja2.render_template(template, request, {**base, **context}, status=status)
    if flash:
        del_cookie(request, response, FLASH_COOKIE)
    return response


#: the pre-sign-in CSRF value minted for this response (no cookie yet on a first visit)
PRE_TOKEN = web.RequestKey("console_pre_token", str)
