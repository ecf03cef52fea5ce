"""State changes that reach the trail: registrations accepted by single push, batch and
job (once each, ids only), and ops tokens created and revoked from the CLI."""

from __future__ import annotations

import asyncio
import random

from carrier_gateway.client import OemClient
from carrier_gateway.db import Database
from provisioning.audit import query
from provisioning.privacy.keyring import Keyring
from tests.support.http import app_client
from tests.support.sealed import run_cli
from tests.support.world import build_oem, individual


async def _entries(db: Database, **filters: object) -> list[dict[str, object]]:
    async with db.read() as conn:
        items = (await query.page(conn, query.Filters(**filters), limit=500)).items  # type: ignore[arg-type]
    return items


async def test_every_accepted_registration_is_audited_once(db: Database, db_url: str, master_key: Keyring) -> None:
    world = await build_oem(db, master_key, cards=8)
    rng = random.Random(8)
    records = [individual(rng, iccid=i) for i in world.iccids]
    async with app_client(db_url) as http:
        oem = OemClient(str(http.make_url("")), world.key_id, world.secret, session=http.session)
        single = [(await oem.push(r))["registration_id"] for r in records[:2]]
        await oem.push(records[0])  # found again: no new registration, no new entry
        batch = await oem.push_batch([*records[2:5], records[2]])
        job = await oem.upload_job(records[5:])
        for _ in range(500):
            if (await oem.job(job["job_id"]))["lines_ingested"] == 3:
                break
            await asyncio.sleep(0.02)
    accepted = await _entries(db, action="registration.accepted")
    by_via: dict[str, list[str]] = {}
    for e in accepted:
        detail = e["detail"]
        assert isinstance(detail, dict) and e["enterprise_id"] == world.enterprise_id
        by_via.setdefault(detail["via"], []).extend(detail["ids"])
    assert sorted(by_via["push"]) == sorted(single)
    assert by_via["batch"] == [r["registration_id"] for r in batch["results"][:3]]
    assert len(by_via["job"]) == 3 and len({*by_via["push"], *by_via["batch"], *by_via["job"]}) == 8
    assert {e["actor"] for e in accepted if e["detail"]["via"] == "batch"} == {f"oem:{world.key_id}"}  # type: ignore[index]
    text = repr(accepted)
    assert not any(r["subject"]["name"] in text or r["subject"]["id_number"] in text for r in records)


async def test_token_creation_and_revocation_are_audited(db: Database, db_url: str) -> None:
    made = await run_cli("token", "create", "--role", "auditor", "--label", "张三's laptop", "--json",
                         "--database-url", db_url)
    assert made.code == 0, made.err
    token_id = made.json()["id"]
    assert (await run_cli("token", "revoke", str(token_id), "--database-url", db_url)).code == 0
    entries = await _entries(db, object_type="ops_token")
    assert [(e["action"], e["object_id"], e["detail"]) for e in entries] == [
        ("ops_token.created", str(token_id), {"role": "auditor"}),
        ("ops_token.revoked", str(token_id), {"role": "auditor"})]
    assert all(str(e["actor"]).startswith("cli:") for e in entries)
