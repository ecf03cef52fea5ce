"""`carrier init --sandbox`: a working local carrier with credentials in one command."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

from carrier_gateway.client import OemClient, OpsClient
from tests.support.cli import carrier
from tests.support.http import app_client
from tests.support.world import individual


async def test_init_sandbox_prints_working_credentials_and_is_repeatable(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sandbox.db'}"
    first = await asyncio.to_thread(carrier, "init", "--sandbox", "--json", "--database-url", url)
    assert first.code == 0, first.err
    out = first.json()
    assert {"enterprise_id", "key_id", "secret", "ops_token"} <= set(out)
    again = (await asyncio.to_thread(carrier, "init", "--sandbox", "--json", "--database-url", url)).json()
    assert again["enterprise_id"] == out["enterprise_id"] and again["key_id"] != out["key_id"]
    async with app_client(url, sandbox=True) as http:
        base = str(http.make_url(""))
        oem = OemClient(base, out["key_id"], out["secret"], session=http.session)
        cards = [c async for c in oem.cards()]
        assert len(cards) == 100 and {c["state"] for c in cards} == {"INVENTORY"}
        accepted = await oem.push(individual(random.Random(5), iccid=cards[0]["iccid"]))
        for _ in range(500):
            view = await oem.registration(accepted["registration_id"])
            if view["status"] != "PENDING":
                break
            await asyncio.sleep(0.02)
        assert view["status"] == "VERIFIED"
        ops = OpsClient(base, out["ops_token"], session=http.session)
        assert (await ops.get("/ops/v1/whoami"))["role"] == "ops"
