"""Operators see every enterprise's jobs (ops and auditor roles); the regulator does not."""

from __future__ import annotations

from carrier_gateway.client import OemClient
from carrier_gateway.db import Database
from provisioning.privacy.keyring import Keyring
from tests.api.provisioning.helpers import tokens
from tests.support.http import app_client
from tests.support.jobfiles import valid_file
from tests.support.world import build_oem


async def test_ops_list_and_show_jobs_of_every_enterprise(db_url: str, db: Database, master_key: Keyring) -> None:
    oems = [await build_oem(db, master_key, cards=2, seed=s) for s in (1, 2)]
    heads = await tokens(db_url)
    async with app_client(db_url, sandbox=True) as http:
        job_ids = []
        for oem in oems:
            client = OemClient(str(http.make_url("")), oem.key_id, oem.secret, session=http.session)
            job_ids.append((await client.upload_job(valid_file(oem, 2)))["job_id"])
            await client.wait_for_job(job_ids[-1], timeout=20, interval=0.05)
        for role in ("ops", "auditor"):
            listed = await (await http.get("/ops/v1/jobs", headers=heads[role])).json()
            assert [i["job_id"] for i in listed["items"]] == job_ids[::-1] and listed["next_cursor"] is None
        first = await (await http.get("/ops/v1/jobs?limit=1", headers=heads["ops"])).json()
        rest = await (await http.get(f"/ops/v1/jobs?limit=1&cursor={first['next_cursor']}",
                                     headers=heads["ops"])).json()
        assert [i["job_id"] for i in first["items"] + rest["items"]] == job_ids[::-1]
        mine = await (await http.get(f"/ops/v1/jobs?enterprise_id={oems[0].enterprise_id}&status=COMPLETED",
                                     headers=heads["ops"])).json()
        assert [i["job_id"] for i in mine["items"]] == job_ids[:1]
        shown = await (await http.get(f"/ops/v1/jobs/{job_ids[1]}", headers=heads["auditor"])).json()
        assert shown["enterprise_id"] == oems[1].enterprise_id and shown["status"] == "COMPLETED"
        assert shown["registrations"]["VERIFIED"] == 2
        for path in ("/ops/v1/jobs", f"/ops/v1/jobs/{job_ids[0]}"):
            assert (await http.get(path, headers=heads["regulator"])).status == 403
        missing = await http.get("/ops/v1/jobs/j0000000000000000000000", headers=heads["ops"])
        assert missing.status == 404 and (await missing.json())["code"] == "JOB_NOT_FOUND"
