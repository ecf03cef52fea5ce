"""`carrier jobs list|show` for operators."""

from __future__ import annotations

import asyncio
import io
from typing import Any

from carrier_gateway.db import Database
from provisioning.jobs.ingest import Ingester
from provisioning.jobs.receive import receive_job
from provisioning.privacy.keyring import Keyring
from tests.support.cli import carrier
from tests.support.jobfiles import mixed_file
from tests.support.world import build_oem


async def _one_ingested_job(db_url: str, keyring: Keyring) -> dict[str, Any]:
    db = Database(db_url)
    try:
        oem = await build_oem(db, keyring, cards=6)
        body = mixed_file(oem).body
        job = await receive_job(db.write, keyring, oem.enterprise_id, io.BytesIO(body), actor="oem:k")
        await Ingester(db.write, keyring).step()
        return job
    finally:
        await db.dispose()


def test_jobs_list_and_show(db_url: str, master_key: Keyring) -> None:
    job = asyncio.run(_one_ingested_job(db_url, master_key))
    listed = carrier("jobs", "list", "--json", "--database-url", db_url)
    assert listed.code == 0, listed.err
    (item,) = listed.json()["items"]
    assert (item["job_id"], item["status"], item["lines_invalid"]) == (job["job_id"], "INGESTED", 2)
    assert carrier("jobs", "list", "--status", "RECEIVED", "--json", "--database-url", db_url).json() == {"items": []}
    shown = carrier("--json", "jobs", "show", job["job_id"], "--database-url", db_url).json()
    assert shown["status"] == "VERIFYING" and shown["registrations"]["PENDING"] == 6
    human = carrier("jobs", "show", job["job_id"], "--database-url", db_url)
    assert "lines_received         8" in human.out and "registrations PENDING  6" in human.out
    table = carrier("jobs", "list", "--database-url", db_url)
    assert job["job_id"] in table.out and "INGESTED" in table.out
    missing = carrier("jobs", "show", "j000", "--database-url", db_url)
    assert missing.code == 1 and missing.err == "error: no job j000\n"
