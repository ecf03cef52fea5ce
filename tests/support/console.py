"""Signing in to the console over HTTP, as a browser would (form, cookies, CSRF token)."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_in(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "the page has no form with a csrf_token"
    return found.group(1)


async def sign_in(http: TestClient, token: str) -> str:
    """Sign in with ``token`` (the client keeps the cookies); the session's CSRF token."""
    form = await http.get("/console/login")
    resp = await http.post("/console/login", data={"token": token, "csrf_token": csrf_in(await form.text())},
                           allow_redirects=False)
    assert resp.status == 303, await resp.text()
    return csrf_in(await (await http.get("/console/")).text())
