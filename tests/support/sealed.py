"""Data in every encrypted column, a key file instead of the environment key, and a
scanner that finds sealed-looking values in any table."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import json
import random
from pathlib import Path

import pytest
from sqlalchemy import String, Text, select

from carrier_gateway.db import Database
from carrier_gateway.schema import all_metadata
from provisioning.enterprises.persons import add_person
from provisioning.jobs.receive import receive_job
from provisioning.network.nas import add_nas
from provisioning.personal_data.registry import looks_sealed
from provisioning.privacy.keyring import ENV_VAR, Keyring, new_keyring, write_keyring
from provisioning.registrations.accept import Incoming, accept, prepare
from provisioning.registrations.records import RegistrationRecord
from tests.support.cli import Result, carrier
from tests.support.world import Oem, build_oem, individual, organization

ACTOR = "cli:test"


def use_key_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A fresh 0600 key file named by CARRIER_MASTER_KEY_FILE (the environment key removed)."""
    monkeypatch.delenv(ENV_VAR, raising=False)
    path = tmp_path / "master.key"
    write_keyring(new_keyring(), path)
    monkeypatch.setenv("CARRIER_MASTER_KEY_FILE", str(path))
    return path


@dataclasses.dataclass
class Filled:
    oem: Oem
    registration_ids: list[str]
    person_ids: list[int]
    job_id: str


async def fill(db: Database, ring: Keyring, *, registrations: int = 6, seed: int = 0) -> Filled:
    """Values in every sealed column: registrations (individual and organisation),
    responsible persons, API keys, a RADIUS client, and a job whose three chunks wait unprocessed."""
    rng = random.Random(seed)
    oem = await build_oem(db, ring, cards=registrations + 3, seed=seed)
    records = [(organization if i % 3 == 2 else individual)(rng, iccid=oem.iccids[i]) for i in range(registrations)]
    items = [Incoming(oem.enterprise_id, RegistrationRecord.model_validate(r)) for r in records]
    async with db.write() as conn:
        results = await accept(conn, prepare(ring, items))
        people = []
        for role, phone in (("REAL_NAME", "13700000001"), ("PURCHASE", "13700000002"), ("REAL_NAME", "13700000003")):
            person = await add_person(conn, ring, oem.enterprise_id, role=role, name="赵六", id_type="RESIDENT_ID",
                                      id_number="11010519491231002X", phone=phone, actor=ACTOR)
            people.append(person.id)
        await add_nas(conn, ring, name="pgw-sealed", address="192.0.2.10", actor=ACTOR)  # a sealed RADIUS secret
    job_lines = [individual(rng, iccid=oem.iccids[registrations + i], stage="BACKFILL") for i in range(3)]
    body = b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in job_lines)
    job = await receive_job(db.write, ring, oem.enterprise_id, io.BytesIO(body), actor=ACTOR, max_lines=1)
    return Filled(oem, [r[0] for r in results if isinstance(r, tuple)], people, job["job_id"])


async def sealed_columns(db: Database) -> set[tuple[str, str]]:
    """Every (table, column) of every package whose text values include a sealed-looking one."""
    found: set[tuple[str, str]] = set()
    async with db.read() as conn:
        for metadata in all_metadata():
            for table in metadata.sorted_tables:
                for column in table.columns:
                    if not isinstance(column.type, (String, Text)):
                        continue
                    values = (await conn.execute(select(column).where(column.like("%$%")).limit(50))).scalars()
                    if any(looks_sealed(v) for v in values):
                        found.add((table.name, column.name))
    return found


async def run_cli(*args: str) -> Result:
    """The in-process CLI from an async test (it runs its own event loop, so in a thread)."""
    return await asyncio.to_thread(carrier, *args)
