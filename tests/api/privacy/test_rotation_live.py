"""Rotation mid-run: the service keeps accepting and verifying registrations while every
value is re-encrypted; afterwards every record reads and everything is under the new key."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path
from typing import Any

import pytest

from carrier_gateway.appkeys import KEYRING
from carrier_gateway.client import OemClient, OpsClient
from carrier_gateway.db import Database
from provisioning.personal_data.registry import COLUMNS, SealedColumn
from provisioning.personal_data.rotation import Reencryption, count_by_key
from provisioning.privacy import keyfile
from tests.api.provisioning.helpers import tokens
from tests.support.http import app_client
from tests.support.sealed import use_key_file
from tests.support.world import build_oem, individual


async def _decided(oem: OemClient, registration_id: str) -> dict[str, Any]:
    for _ in range(500):
        view = await oem.registration(registration_id)
        if view["status"] != "PENDING":
            return view
        await asyncio.sleep(0.02)
    raise AssertionError(f"{registration_id} still PENDING")


async def test_rotation_while_registrations_are_pushed_and_verified(
        db: Database, db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = use_key_file(monkeypatch, tmp_path)
    old = keyfile.read(path)
    world = await build_oem(db, old, cards=36)
    rng = random.Random(11)
    records = [individual(rng, iccid=iccid) for iccid in world.iccids]
    headers = await tokens(db_url, "ops")
    async with app_client(db_url, sandbox=True, master_key_path=str(path)) as http:
        http.app[KEYRING]._RECHECK_SECONDS = 0.0  # re-read the key file on every use (no 5 s wait)
        base = str(http.make_url(""))
        oem = OemClient(base, world.key_id, world.secret, session=http.session)
        ops = OpsClient(base, headers["ops"]["Authorization"].split()[1], session=http.session)
        first = await oem.push_batch(records[:18])
        ids = [r["registration_id"] for r in first["results"]]
        ring, new_id = keyfile.add_key(path)
        progress: list[int] = []

        async def push_rest() -> None:
            for record in records[18:]:
                ids.append((await oem.push(record))["registration_id"])

        async def breathe(_col: SealedColumn, _n: int) -> None:
            progress.append(len(ids))
            await asyncio.sleep(0.005)  # let pushes and verification run between chunks

        job = Reencryption(db.write, db.read, ring, chunk=3, on_chunk=breathe)
        await asyncio.gather(push_rest(), job.run())
        await job.run()  # a re-run after the writers finish (resumes; catches any late value)
        views = [await _decided(oem, i) for i in ids]
        masked = [await ops.get(f"/ops/v1/registrations/{i}") for i in ids]
    assert len(set(progress)) > 1, "pushes did not interleave with the rotation"
    assert [v["status"] for v in views] == ["VERIFIED"] * len(records)
    assert all(m["subject"]["id_number"].count("*") == 8 for m in masked)
    async with db.read() as conn:
        counts = {col.name: await count_by_key(conn, col) for col in COLUMNS}
    assert counts["registrations.subject_enc"] == {new_id: len(records)}
    assert all(set(c) <= {new_id} for c in counts.values()), counts
