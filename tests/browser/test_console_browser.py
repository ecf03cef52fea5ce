"""The console in headless Chromium: sign in as each role, find a card and read its state
and the reasons for each service, change its state, allocate a block, place an order and
watch it finish; refused where the role may not act; a form sent without its csrf_token
is a 403; a page without a session sends the browser to sign in."""

from __future__ import annotations

from typing import Any

import pytest

from carrier_gateway.db import Database
from provisioning.privacy.keyring import Keyring
from tests.api.provisioning.helpers import tokens
from tests.support.live import live_app
from tests.support.world import Oem, build_oem

pytestmark = pytest.mark.slow
#: a guard against a hung page, not a measure (Playwright's wait limit, milliseconds)
GUARD_MS = 60_000


async def _signed_in(browser: Any, base: str, token: str, target: str = "/console/") -> Any:
    context = await browser.new_context(base_url=base)
    context.set_default_timeout(GUARD_MS)
    page = await context.new_page()
    await page.goto(target)
    assert "/console/login" in page.url  # no session yet: sent to sign in, the target kept
    await page.fill("#f-token", token)
    await page.press("#f-token", "Enter")
    await page.wait_for_url(f"**{target}")
    return page


async def _world(db: Database, keyring: Keyring, db_url: str) -> tuple[Oem, dict[str, str]]:
    oem = await build_oem(db, keyring, cards=5)
    heads = await tokens(db_url)
    return oem, {role: h["Authorization"].removeprefix("Bearer ") for role, h in heads.items()}


async def test_ops_finds_a_card_changes_it_allocates_and_orders(browser: Any, db: Database, db_url: str,
                                                                 master_key: Keyring) -> None:
    oem, token = await _world(db, master_key, db_url)
    async with live_app(db_url, workers=1) as base:
        page = await _signed_in(browser, base, token["ops"], "/console/cards")
        assert await page.locator("html").get_attribute("lang") == "zh-Hans"  # Simplified Chinese by default
        assert "退出登录" in await page.locator("header").inner_text()

        await page.fill("#q", oem.msisdns[0])  # by MSISDN
        await page.press("#q", "Enter")
        await page.wait_for_url(f"**/console/cards/{oem.iccids[0]}")
        assert "INVENTORY" in await page.locator("#card-state").inner_text()
        services = await page.locator("#services tbody tr").all_inner_texts()
        assert len(services) == 3 and all(row.strip() for row in services)
        assert any("STATE" in row for row in services)  # the rule that limits a card in stock

        await page.select_option("#f-to", "TEST")
        await page.fill("#f-reason", "factory line 3 end-of-line test")
        await page.click("#change-state ~ form button[type=submit]")
        await page.wait_for_load_state()
        assert "TEST" in await page.locator("#card-state").inner_text()
        assert "factory line 3" in await page.locator("#history").inner_text()
        assert await page.locator(".flash").count() == 1

        await page.select_option("#f-to", "PENDING")  # an empty reason: the error sits next to the field
        await page.click("#change-state ~ form button[type=submit]")
        await page.wait_for_load_state()
        assert await page.locator("#f-reason[aria-invalid=true]").count() == 1 or \
            await page.locator("#f-reason:invalid").count() == 1

        await page.goto("/console/resources")
        await page.select_option("#b-enterprise_id", str(oem.enterprise_id))
        await page.fill("#b-count", "1000")
        await page.click("#allocate-block button[type=submit]")
        await page.wait_for_url(f"**/console/enterprises/{oem.enterprise_id}")
        assert "1,000" in await page.locator(".flash").inner_text()
        assert await page.locator("#blocks tbody tr").count() == 2

        await page.goto("/console/orders")
        await page.select_option("#f-enterprise_id", str(oem.enterprise_id))
        await page.fill("#f-count", "0")
        await page.click("#place-order button[type=submit]")
        await page.wait_for_load_state()
        assert await page.locator("#f-count[aria-invalid=true]").count() == 1
        assert await page.locator("#f-count-note .error").count() == 1

        await page.fill("#f-count", "120")
        await page.fill("#f-chunk_size", "100")
        await page.click("#place-order button[type=submit]")
        await page.wait_for_url("**/console/orders/*")
        # the page refreshes itself while the order runs in the background
        await page.locator("#order-status.COMPLETE").wait_for(timeout=GUARD_MS)
        assert await page.locator("#progress").get_attribute("value") == "120"

        await page.goto("/console/enterprises")  # a form sent without its csrf_token: 403
        await page.fill("#f-name", "某某新能源汽车有限公司")
        await page.fill("#f-uscc", "91350100M000100Y43")
        await page.locator("#add-enterprise input[name=csrf_token]").evaluate("e => e.remove()")
        async with page.expect_response("**/console/enterprises") as sent:
            await page.click("#add-enterprise button[type=submit]")
        assert (await sent.value).status == 403

        await page.click("text=English")  # the switch, remembered on the next page
        await page.goto("/console/")
        assert await page.locator("html").get_attribute("lang") == "en"
        assert "Sign out" in await page.locator("header").inner_text()


async def test_auditor_and_regulator_read_but_are_refused_where_they_may_not_act(
        browser: Any, db: Database, db_url: str, master_key: Keyring) -> None:
    oem, token = await _world(db, master_key, db_url)
    async with live_app(db_url, workers=0) as base:
        for role, refused_page in (("auditor", "/console/report"), ("regulator", "/console/registrations")):
            page = await _signed_in(browser, base, token[role])
            await page.goto(f"/console/cards?q={oem.iccids[1]}")
            await page.wait_for_url(f"**/console/cards/{oem.iccids[1]}")
            assert "INVENTORY" in await page.locator("#card-state").inner_text()
            assert await page.locator("#services tbody tr").count() == 3
            assert await page.locator("#change-state").count() == 0  # no form for what the role may not do
            csrf = await page.locator("input[name=csrf_token]").first.get_attribute("value")
            refused = await page.request.post(f"/console/cards/{oem.iccids[1]}/transition",
                                              form={"csrf_token": csrf, "to": "TEST", "reason": "not mine to do"})
            assert refused.status == 403
            answer = await page.goto(refused_page)
            assert answer is not None and answer.status == 403
            assert role in await page.locator("main").inner_text()
            await page.goto("/console/resources")
            assert await page.locator("#allocate-block").count() == 0
            await page.context.close()
        async with db.read() as conn:  # nothing moved
            from provisioning.cards.store import get_card

            assert (await get_card(conn, iccid=oem.iccids[1])).state == "INVENTORY"
