"""`carrier serve` returns numbers to their block when the cooling-off ends, unattended."""

from __future__ import annotations

import asyncio
import datetime as dt

from carrier_gateway.db import Database
from numbering.msisdn import segments, usage
from provisioning.privacy.keyring import Keyring
from tests.support.http import app_client
from tests.support.world import build_oem


async def test_a_running_service_expires_the_quarantine(db_url: str, db: Database, master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=1)
    async with db.write() as conn:
        (first, last), = await segments.assign_msisdns(conn, oem.enterprise_id, 2)
        long_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=91)
        await segments.release_msisdns(conn, [first], now=long_ago)
        await segments.release_msisdns(conn, [last])  # still cooling off
    async with db.read() as conn:
        assert sum(s["quarantined"] for s in await usage.segment_usage(conn)) == 2
    async with app_client(db_url):
        for _ in range(250):
            async with db.read() as conn:
                quarantined = sum(s["quarantined"] for s in await usage.segment_usage(conn))
            if quarantined == 1:
                break
            await asyncio.sleep(0.02)
    assert quarantined == 1
