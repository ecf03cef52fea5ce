"""An enterprise's rate limit holds for the service, not per process: two processes on one
database together let through at most rate * window + burst requests."""

from __future__ import annotations

import time

from carrier_gateway.db import Database
from carrier_gateway.fleet import FLEET
from carrier_gateway.signing import signed_headers
from provisioning.privacy.keyring import Keyring
from tests.support.http import app_client, until_ready
from tests.support.world import build_oem

RATE, BURST = 0.5, 6
SETTINGS = {"workers": 0, "heartbeat_seconds": 0.5, "rate_limit_per_second": RATE, "rate_limit_burst": BURST}


async def test_two_processes_share_one_enterprise_rate(db_url: str, db: Database, master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=1)
    path = f"/v1/cards/{oem.iccids[0]}"
    statuses: dict[str, list[int]] = {"a": [], "b": []}
    async with app_client(db_url, **SETTINGS) as a, app_client(db_url, **SETTINGS) as b:
        await until_ready(a)
        await until_ready(b)
        assert {a.app[FLEET].live, b.app[FLEET].live} == {2}
        start = time.monotonic()
        for n in range(40):
            name, app = ("a", a) if n % 2 else ("b", b)
            resp = await app.get(path, headers=signed_headers(oem.key_id, oem.secret, "GET", path, b""))
            statuses[name].append(resp.status)
            if resp.status == 429:
                assert int(resp.headers["Retry-After"]) >= 1
        window = time.monotonic() - start
    allowed = sum(s == 200 for codes in statuses.values() for s in codes)
    assert {s for codes in statuses.values() for s in codes} <= {200, 429}
    # each process alone would have let its own burst through: 2 * BURST, more than this
    assert 1 <= allowed <= RATE * window + BURST, (allowed, window, statuses)
