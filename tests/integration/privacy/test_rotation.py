"""Re-encryption under a new key: chunked, resumable, safe beside concurrent writers."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from carrier_gateway.db import Database
from provisioning.enterprises.persons import add_person, list_persons
from provisioning.personal_data.registry import COLUMNS, SealedColumn
from provisioning.personal_data.rotation import Reencryption, count_by_key, remaining
from provisioning.privacy import keyfile
from provisioning.privacy.keyring import Keyring, KeyringError
from tests.support.sealed import fill, use_key_file


@pytest.fixture
def key_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    return use_key_file(monkeypatch, tmp_path)


async def _values(db: Database) -> dict[tuple[str, tuple[object, ...]], str]:
    out = {}
    async with db.read() as conn:
        for col in COLUMNS:
            for row in (await conn.execute(select(*col.primary_key, col.sealed))).all():
                out[(col.name, tuple(row)[:-1])] = row[-1]
    return out


async def _all_open(db: Database, ring: Keyring) -> None:
    async with db.read() as conn:
        for col in COLUMNS:
            for row in (await conn.execute(select(col.table))).all():
                ring.decrypt(row._mapping[col.column], col.context_of(row._mapping))


class Crash(Exception):
    pass


async def test_an_interrupted_rotation_resumes_and_skips_what_is_done(db: Database, key_path: Path) -> None:
    old = keyfile.read(key_path)
    await fill(db, old, registrations=7)
    ring, new_id = keyfile.add_key(key_path)
    chunks = []

    def crash_after_three(col: SealedColumn, n: int) -> None:
        chunks.append((col.name, n))
        if len(chunks) == 3:
            raise Crash

    with pytest.raises(Crash):
        await Reencryption(db.write, db.read, ring, chunk=2, on_chunk=crash_after_three).run()
    async with db.read() as conn:
        left = await remaining(conn, new_id)
    assert chunks == [("registrations.subject_enc", 2)] * 3 and left["registrations.subject_enc"] == 1
    before = {k: v for k, v in (await _values(db)).items() if v.startswith(new_id + "$")}
    assert len(before) == 6
    job = Reencryption(db.write, db.read, ring, chunk=2)
    resealed = await job.run()
    after = await _values(db)
    assert all(after[k] == v for k, v in before.items())  # already under the new key: untouched
    assert resealed == {"registrations.subject_enc": 1, "responsible_persons.person_enc": 3,
                        "api_keys.secret_enc": 1, "job_chunks.lines_enc": 3, "network_nas.secret_enc": 1}
    assert job.passes == 2  # the second pass found nothing left
    async with db.read() as conn:
        for col in COLUMNS:
            assert set(await count_by_key(conn, col)) == {new_id}, col.name
    await _all_open(db, keyfile.read(key_path))
    with pytest.raises(KeyringError, match="does not hold"):  # nothing is left under the old key alone
        await _all_open(db, Keyring({k: v for k, v in old.keys.items() if k != new_id}, old.index_key))


async def test_a_writer_still_on_the_old_key_is_caught_by_a_later_pass(db: Database, key_path: Path) -> None:
    old = keyfile.read(key_path)
    filled = await fill(db, old, registrations=2)
    stale = Keyring(dict(old.keys), old.index_key)  # a process that has not re-read the file
    ring, new_id = keyfile.add_key(key_path)
    written: list[int] = []

    async def write_behind(col: SealedColumn, _n: int) -> None:
        if col.name == "api_keys.secret_enc" and not written:  # persons were done already
            async with db.write() as conn:
                person = await add_person(conn, stale, filled.oem.enterprise_id, role="PURCHASE", name="钱七",
                                          id_type="RESIDENT_ID", id_number="11010519491231002X",
                                          phone="13600000009", actor="cli:test")
            written.append(person.id)

    job = Reencryption(db.write, db.read, ring, chunk=1, on_chunk=write_behind)
    resealed = await job.run()
    assert written and job.passes == 3
    assert resealed["responsible_persons.person_enc"] == 3 + 1
    async with db.read() as conn:
        assert await count_by_key(conn, COLUMNS[1]) == {new_id: 4}
        assert not any((await remaining(conn, new_id)).values())
        people = await list_persons(conn, keyfile.read(key_path), filled.oem.enterprise_id, history=True,
                                    reveal=True)
    assert {p.phone for p in people} >= {"13600000009"}
