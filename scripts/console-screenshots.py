#!/usr/bin/env python3
"""Screenshots of the console's dashboard and of one card's page, for the README.

    carrier --database-url sqlite:///sim.db simulate --oems 2 --cards 60
    CARRIER_MASTER_KEY_FILE=sim.key scripts/console-screenshots.py sqlite:///sim.db docs/

Serves the database on 127.0.0.1 (no background work), signs in with a fresh ops token
(revoked afterwards) and photographs the pages in Debian's Chromium through Playwright
(CHROMIUM names another executable). Prints the PNG paths.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout: its tests/ helpers too

from sqlalchemy import select

from carrier_gateway import ops_auth
from carrier_gateway.db import Database
from provisioning.cards.tables import cards
from tests.browser.conftest import FLAGS
from tests.support.live import live_app


async def main(url: str, out: Path) -> None:
    db = Database(url)
    try:
        async with db.write() as conn:
            issued = await ops_auth.create_token(conn, "ops", "console screenshots")
            iccid = (await conn.execute(select(cards.c.iccid).where(cards.c.state == "ACTIVE")
                                        .order_by(cards.c.iccid).limit(1))).scalar_one()
        from playwright.async_api import async_playwright

        key = os.environ.get("CARRIER_MASTER_KEY_FILE", "carrier.key")
        async with live_app(url, workers=0, master_key_path=key) as base, async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=os.environ.get("CHROMIUM") or shutil.which("chromium"),
                                               args=FLAGS)
            page = await browser.new_page(base_url=base, viewport={"width": 1280, "height": 900})
            await page.goto("/console/login")
            await page.fill("#f-token", issued.token)
            await page.press("#f-token", "Enter")
            await page.wait_for_url("**/console/")
            for name, path in (("console-dashboard.png", "/console/"), ("console-card.png", f"/console/cards/{iccid}")):
                await page.goto(path)
                await page.screenshot(path=str(out / name), full_page=True)
                print(out / name)
            await browser.close()
        async with db.write() as conn:
            await ops_auth.revoke_token(conn, issued.id)
    finally:
        await db.dispose()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: scripts/console-screenshots.py DATABASE_URL OUT_DIR")
    asyncio.run(main(sys.argv[1], Path(sys.argv[2])))
