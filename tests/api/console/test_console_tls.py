"""The console's cookies are Secure when the browser came over TLS and only then: TLS to the
app itself (a self-signed certificate made here), or to a proxy in front of it, whose
X-Forwarded-Proto is believed only when CARRIER_TRUST_FORWARDED_PROTO says so. Every
cookie is HttpOnly, SameSite=Strict and limited to /console either way."""

from __future__ import annotations

from pathlib import Path

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient

from tests.api.provisioning.helpers import tokens
from tests.support.console import csrf_in
from tests.support.http import app_client
from tests.support.tls import self_signed

COOKIES = {"console_pre", "console_session", "console_flash", "console_lang"}


def _attributes(set_cookie: str) -> dict[str, str]:
    """``{"name": ..., "httponly": "", "samesite": "Strict", ...}`` of one Set-Cookie header."""
    first, *rest = set_cookie.split(";")
    out = {"name": first.split("=", 1)[0].strip()}
    for part in rest:
        key, _, value = part.strip().partition("=")
        out[key.lower()] = value
    return out


def _set_cookies(*responses: ClientResponse) -> list[dict[str, str]]:
    return [_attributes(c) for r in responses for c in r.headers.getall("Set-Cookie", [])]


async def _visit(http: TestClient, token: str) -> list[dict[str, str]]:
    """Sign in, read a page, switch language, sign out: every cookie the console sets or ends."""
    form = await http.get("/console/login")
    signed = await http.post("/console/login", data={"token": token, "csrf_token": csrf_in(await form.text())},
                             allow_redirects=False)
    assert signed.status == 303, await signed.text()
    home = await http.get("/console/", allow_redirects=False)
    assert home.status == 200  # the session cookie came back: signed in
    lang = await http.get("/console/lang/en", allow_redirects=False)
    out = await http.post("/console/logout", data={"csrf_token": csrf_in(await home.text())}, allow_redirects=False)
    assert out.status == 303
    return _set_cookies(form, signed, home, lang, out)


async def test_over_tls_every_console_cookie_is_secure_http_only_and_strict(db_url: str, tmp_path: Path) -> None:
    token = (await tokens(db_url, "ops"))["ops"]["Authorization"].removeprefix("Bearer ")
    async with app_client(db_url, workers=0, tls=self_signed(tmp_path)) as http:
        assert http.make_url("/console/").scheme == "https"
        cookies = await _visit(http, token)
    assert {c["name"] for c in cookies} == COOKIES
    session = next(c for c in cookies if c["name"] == "console_session")
    assert {"secure", "httponly"} <= session.keys() and session["samesite"] == "Strict"
    for c in cookies:  # the pre-sign-in token, the flash message, the language, and their ends too
        assert "secure" in c and "httponly" in c and c["samesite"] == "Strict" and c["path"] == "/console", c


async def test_over_plain_http_no_console_cookie_is_secure(db_url: str) -> None:
    token = (await tokens(db_url, "ops"))["ops"]["Authorization"].removeprefix("Bearer ")
    async with app_client(db_url, workers=0) as http:
        cookies = await _visit(http, token)
    assert {c["name"] for c in cookies} == COOKIES
    for c in cookies:
        assert "secure" not in c and "httponly" in c and c["samesite"] == "Strict" and c["path"] == "/console", c


async def _sign_in_through_proxy(http: TestClient, token: str, proto: str | None) -> dict[str, str]:
    """The session cookie set for a browser whose proxy sent ``X-Forwarded-Proto: proto``
    (cookies sent by hand: the client's jar keeps Secure ones for HTTPS)."""
    http.session.cookie_jar.clear()  # a browser that has not been here yet
    forwarded = {"X-Forwarded-Proto": proto} if proto else {}
    form = await http.get("/console/login", headers=forwarded)
    pre = form.cookies["console_pre"].value
    signed = await http.post("/console/login", data={"token": token, "csrf_token": csrf_in(await form.text())},
                             headers={**forwarded, "Cookie": f"console_pre={pre}"}, allow_redirects=False)
    assert signed.status == 303, await signed.text()
    return next(c for c in _set_cookies(signed) if c["name"] == "console_session")


async def test_x_forwarded_proto_counts_only_when_a_setting_trusts_the_proxy(db_url: str) -> None:
    token = (await tokens(db_url, "ops"))["ops"]["Authorization"].removeprefix("Bearer ")
    async with app_client(db_url, workers=0) as http:  # not trusted: anyone could send the header
        assert "secure" not in await _sign_in_through_proxy(http, token, "https")
    async with app_client(db_url, workers=0, trust_forwarded_proto=True) as http:
        assert "secure" in await _sign_in_through_proxy(http, token, "https")
        assert "secure" in await _sign_in_through_proxy(http, token, "http, https")  # the nearest proxy's value
        assert "secure" not in await _sign_in_through_proxy(http, token, "http")
        assert "secure" not in await _sign_in_through_proxy(http, token, None)
