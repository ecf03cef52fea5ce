"""Console sign-in: a page without a session sends the browser to sign in; a session is
a server-side row tied to its ops token (sign-out, token revocation and idleness end it);
every POST needs the form's csrf_token; every answer carries a CSP without unsafe-inline."""

from __future__ import annotations

import datetime as dt
from urllib.parse import unquote

from sqlalchemy import func, select, update

from carrier_gateway import ops_auth
from carrier_gateway.console.pages import all_pages
from carrier_gateway.console.tables import console_sessions
from carrier_gateway.db import Database
from provisioning.audit.tables import audit_log
from tests.api.provisioning.helpers import tokens
from tests.support.console import csrf_in, sign_in
from tests.support.http import app_client


def _bearer(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


async def test_every_page_without_a_session_sends_the_browser_to_sign_in(db_url: str) -> None:
    async with app_client(db_url, workers=0) as http:
        for p in all_pages():
            if p.action is None or p.method != "GET":
                continue
            path = "/console" + p.path.replace("{enterprise_id:\\d{1,10}}", "1").replace(
                "{order_id:\\d{1,10}}", "1").replace("{iccid:[0-9A-Za-z]{1,22}}", "89860000000000000000").replace(
                "{registration_id:r[0-9a-f]{1,40}}", "r00").replace("{job_id:j[0-9a-f]{1,40}}", "j00")
            resp = await http.get(path, allow_redirects=False)
            assert resp.status == 303, path
            assert unquote(resp.headers["Location"]) == f"/console/login?next={path}", path
        page = await http.get("/console/cards?q=1440000000000")  # followed: the sign-in form, keeping the target
        html = await page.text()
        assert page.url.path == "/console/login" and 'name="token"' in html
        assert 'value="/console/cards?q=1440000000000"' in html


async def test_sign_in_sets_a_strict_http_only_cookie_and_wrong_tokens_are_refused(db_url: str) -> None:
    heads = await tokens(db_url, "ops")
    async with app_client(db_url, workers=0) as http:
        form = await http.get("/console/login")
        csrf = csrf_in(await form.text())
        bad = await http.post("/console/login", data={"token": "cop_nope", "csrf_token": csrf})
        assert bad.status == 401
        assert 'aria-invalid="true"' in await bad.text()
        ok = await http.post("/console/login", data={"token": _bearer(heads["ops"]), "csrf_token": csrf,
                                                     "next": "https://evil.example/"}, allow_redirects=False)
        assert ok.status == 303 and ok.headers["Location"] == "/console/"  # never sent off-site
        cookie = next(c for c in ok.headers.getall("Set-Cookie") if c.startswith("console_session="))
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/console" in cookie
        assert "Secure" not in cookie  # plain HTTP here; over TLS the cookie is Secure


async def test_a_post_without_a_valid_csrf_token_is_403_and_changes_nothing(db_url: str, db: Database) -> None:
    heads = await tokens(db_url, "ops")
    async with app_client(db_url, workers=0) as http:
        csrf = await sign_in(http, _bearer(heads["ops"]))
        async with db.read() as conn:
            before = (await conn.execute(select(func.count()).select_from(audit_log))).scalar_one()
        form = {"name": "某某汽车有限公司", "uscc": "91350100M000100Y43", "kind": "OEM"}
        for sent in (form, {**form, "csrf_token": "forged"}, {**form, "csrf_token": ""}):
            resp = await http.post("/console/enterprises", data=sent)
            assert resp.status == 403, sent
        assert (await http.post("/console/login", data={"token": _bearer(heads["ops"])})).status == 403
        async with db.read() as conn:
            assert (await conn.execute(select(func.count()).select_from(audit_log))).scalar_one() == before
        made = await http.post("/console/enterprises", data={**form, "csrf_token": csrf}, allow_redirects=False)
        assert made.status == 303 and made.headers["Location"] == "/console/enterprises/1"


async def test_pages_carry_a_csp_without_unsafe_inline_and_no_inline_script_or_style(db_url: str) -> None:
    heads = await tokens(db_url, "ops")
    async with app_client(db_url, workers=0) as http:
        pages = [await http.get("/console/login")]
        await sign_in(http, _bearer(heads["ops"]))
        for path in ("/console/", "/console/cards", "/console/resources", "/console/orders", "/console/enterprises",
                     "/console/registrations", "/console/jobs", "/console/cards/89860000000000000000"):
            pages.append(await http.get(path))
        css = await http.get("/console/static/console.css")
        assert css.status == 200 and css.content_type == "text/css"
        for resp in [*pages, css]:
            csp = resp.headers["Content-Security-Policy"]
            assert "unsafe-inline" not in csp and "default-src 'none'" in csp and "style-src 'self'" in csp
            assert resp.headers["X-Frame-Options"] == "DENY"
            html = await resp.text()
            if resp.content_type == "text/html":
                assert "<script" not in html and " style=" not in html and "<style" not in html, resp.url
                assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html
        assert pages[-1].status == 404  # an unknown card: an HTML page, not problem+json
        assert pages[-1].content_type == "text/html"


async def test_sign_out_revocation_and_idleness_each_end_the_session(db_url: str, db: Database) -> None:
    async with db.write() as conn:
        issued = await ops_auth.create_token(conn, "ops")
    async with app_client(db_url, workers=0) as http:
        csrf = await sign_in(http, issued.token)
        assert (await http.get("/console/cards", allow_redirects=False)).status == 200
        cookie = http.session.cookie_jar.filter_cookies(http.make_url("/console/"))["console_session"].value
        assert (await http.post("/console/logout", data={"csrf_token": csrf}, allow_redirects=False)).status == 303
        http.session.cookie_jar.update_cookies({"console_session": cookie}, http.make_url("/console/"))
        assert (await http.get("/console/cards", allow_redirects=False)).status == 303  # ended on the server

        await sign_in(http, issued.token)
        assert (await http.get("/console/cards", allow_redirects=False)).status == 200
        async with db.write() as conn:
            await ops_auth.revoke_token(conn, issued.id)
        assert (await http.get("/console/cards", allow_redirects=False)).status == 303  # at once

    async with db.write() as conn:
        fresh = await ops_auth.create_token(conn, "auditor")
    async with app_client(db_url, workers=0) as http:
        await sign_in(http, fresh.token)
        assert (await http.get("/console/audit", allow_redirects=False)).status == 200
        async with db.write() as conn:  # unused for longer than the idle timeout (30 minutes)
            await conn.execute(update(console_sessions).where(console_sessions.c.token_id == fresh.id)
                               .values(seen_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=31)))
        assert (await http.get("/console/audit", allow_redirects=False)).status == 303
    async with db.read() as conn:
        actions = (await conn.execute(select(audit_log.c.action).where(audit_log.c.action.like("console.%"))
                                      .order_by(audit_log.c.seq))).scalars().all()
    assert actions == ["console.signed_in", "console.signed_out", "console.signed_in", "console.signed_in"]
