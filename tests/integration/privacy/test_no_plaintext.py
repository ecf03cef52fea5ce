"""Done when: registrations pushed through a real `carrier serve` leave no plaintext name,
document number or phone of any subject, agent or responsible person in the database
file (and its WAL) or in any line the service logged."""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import signal
import subprocess
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from carrier_gateway import ops_auth
from carrier_gateway.client import OemClient, OpsClient
from carrier_gateway.db import Database
from provisioning.documents import fake
from provisioning.privacy import keyfile
from tests.integration.test_serve import free_port, wait_ready
from tests.support.cli import carrier_bin
from tests.support.sealed import use_key_file
from tests.support.world import Oem, build_oem, individual, organization


def _phone(rng: random.Random) -> str:
    return "13" + "".join(rng.choice("0123456789") for _ in range(9))


def _records(world: Oem, rng: random.Random) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Valid records (individuals and organisations with agent and responsible person) and
    records rejected at once or by the verifier; every person with a distinct phone."""
    good = []
    for i in range(8):
        rec = (organization if i % 2 else individual)(rng, iccid=world.iccids[i])
        subject = rec["subject"]
        for person in (subject, subject.get("agent"), subject.get("responsible_person")):
            if person is not None and "phone" in person:
                person["phone"] = _phone(rng)
        if "responsible_person" in subject:
            subject["responsible_person"].update(name="钱" + subject["agent"]["name"][1:] + "娟",
                                                 id_number=fake.resident_id(rng))
        good.append(rec)
    expired = individual(rng, iccid=world.iccids[8])
    expired["subject"].update(id_expires="2001-01-01", phone=_phone(rng))
    broken = individual(rng, iccid=world.iccids[9])
    broken["subject"].update(phone=_phone(rng), id_type=None)
    return good, [expired, broken]


def _secrets(records: list[dict[str, Any]], persons: list[dict[str, str]]) -> set[str]:
    out: set[str] = set()
    for rec in records:
        subject = rec["subject"]
        people = [p for p in (subject.get("agent"), subject.get("responsible_person")) if p]
        if subject["type"] == "INDIVIDUAL":
            people.append(subject)
        for person in people:
            out.update(v for k, v in person.items() if k in ("name", "id_number", "phone") and v)
        if subject.get("phone"):
            out.add(subject["phone"])
    for p in persons:
        out.update((p["name"], p["id_number"], p["phone"], p["email"]))
    return out


def _forms(secret: str) -> list[bytes]:
    """The value as UTF-8 and as a JSON \\u-escaped string (an ensure_ascii dump)."""
    return sorted({secret.encode("utf-8"), json.dumps(secret)[1:-1].encode("ascii")})


async def _until(check: Any, timeout: float = 20.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


@pytest.mark.slow
async def test_no_plaintext_in_the_database_file_or_the_logs(
        tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = use_key_file(monkeypatch, tmp_path)
    path = tmp_path / "carrier.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite+aiosqlite:///{path}"
    db = Database(url)
    try:
        world = await build_oem(db, keyfile.read(key), cards=12, seed=4)
        async with db.write() as conn:
            ops_token = (await ops_auth.create_token(conn, "ops")).token
            auditor_token = (await ops_auth.create_token(conn, "auditor")).token
    finally:
        await db.dispose()
    rng = random.Random(20261128)
    good, bad = _records(world, rng)
    job_lines = [individual(rng, iccid=world.iccids[10 + i], stage="BACKFILL") for i in range(2)]
    for rec in job_lines:
        rec["subject"]["phone"] = _phone(rng)
    persons = [{"role": role, "name": name, "id_type": "RESIDENT_ID", "id_number": fake.resident_id(rng),
                "phone": _phone(rng), "email": f"resp{n}@oem-mail.example"}
               for n, (role, name) in enumerate((("PURCHASE", "欧阳明月"), ("REAL_NAME", "Johanna Whitfield")))]
    secrets_ = _secrets(good + bad + job_lines, persons)
    assert len(secrets_) > 40

    port = free_port()
    log_path = tmp_path / "serve.log"  # a file, not a pipe: a full pipe would stall the service
    with log_path.open("w") as log:
        proc = subprocess.Popen([*carrier_bin(), "serve", "--sandbox", "--port", str(port), "--database-url", url],
                                cwd=tmp_path, stdout=log, stderr=log, text=True,
                                env={**os.environ, "CARRIER_LOG_LEVEL": "DEBUG"})
    try:
        await asyncio.to_thread(wait_ready, port, proc)
        base = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
            oem = OemClient(base, world.key_id, world.secret, session=session)
            ops = OpsClient(base, ops_token, session=session)
            auditor = OpsClient(base, auditor_token, session=session)
            ids = [(await oem.push(rec))["registration_id"] for rec in good[:3]]
            batch = await oem.push_batch(good[3:] + bad)
            ids += [r["registration_id"] for r in batch["results"] if r["registration_id"]]
            assert [r["status"] for r in batch["results"]][-1] == "REJECTED"  # the schema failure
            job = await oem.upload_job(job_lines)
            for person in persons:
                await ops.post(f"/ops/v1/enterprises/{world.enterprise_id}/persons", person)

            async def settled() -> bool:
                views = [await oem.registration(i) for i in ids]
                done = (await oem.job(job["job_id"]))["status"] == "COMPLETED"
                return done and all(v["status"] != "PENDING" for v in views)

            await _until(settled)
            clear = await auditor.get(f"/ops/v1/registrations/{ids[1]}/unmasked?purpose=complaint%202026-9")
            assert clear["subject"]["agent"]["name"] in secrets_  # in the answer, as asked, and nowhere else
            await auditor.get(f"/ops/v1/enterprises/{world.enterprise_id}/persons/unmasked?purpose=inspection%2026")
        proc.send_signal(signal.SIGTERM)
        await asyncio.to_thread(proc.wait, 30)
    finally:
        if proc.poll() is None:
            proc.kill()
    err = log_path.read_text(encoding="utf-8")
    assert proc.returncode == 0, err[-2000:]

    lines = err.splitlines()
    access = [json.loads(line) for line in lines if '"carrier.access"' in line]
    assert len(access) >= len(good) and any(e["path"].endswith("/unmasked") for e in access)
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("carrier.db*"))
    assert world.iccids[0].encode() in raw  # the scan reads the real data
    found = [(s, where) for s in sorted(secrets_) for form in _forms(s)
             for where, blob in (("database", raw), ("logs", err.encode()))
             if form in blob]
    assert found == [], found
