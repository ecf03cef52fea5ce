"""`carrier keys rotate | status | retire` against a key file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from carrier_gateway.db import Database
from provisioning.audit.tables import audit_log
from provisioning.enterprises.persons import add_person
from provisioning.privacy import keyfile
from provisioning.privacy.keyring import ENV_VAR, Keyring
from tests.support.cli import carrier
from tests.support.sealed import fill, run_cli, use_key_file


@pytest.fixture
def key_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    return use_key_file(monkeypatch, tmp_path)


async def _actions(db: Database) -> list[str]:
    async with db.read() as conn:
        return list((await conn.execute(select(audit_log.c.action).where(
            audit_log.c.object_type == "master_key").order_by(audit_log.c.seq))).scalars())


async def test_rotate_status_retire(db: Database, db_url: str, key_path: Path) -> None:
    old = keyfile.read(key_path)
    await fill(db, old, registrations=4)
    status = await run_cli("keys", "status", "--json", "--database-url", db_url)
    assert status.code == 0, status.err
    assert status.json()["complete"] is True
    assert status.json()["columns"][0]["by_key"] == {old.active_id: 4}

    res = await run_cli("keys", "rotate", "--json", "--chunk", "2", "--database-url", db_url)
    assert res.code == 0, res.err
    out = res.json()
    new_id = out["active_key"]
    assert out["added"] == new_id != old.active_id and out["complete"] is True
    assert sum(out["resealed"].values()) == 4 + 3 + 1 + 3 + 1  # ... and a RADIUS client's secret
    assert "re-encrypting" in res.err  # the progress bar is on stderr
    assert stat.S_IMODE(os.stat(key_path).st_mode) == 0o600
    assert list(keyfile.read(key_path).keys) == [old.active_id, new_id]

    after = (await run_cli("keys", "status", "--json", "--database-url", db_url)).json()
    assert after["complete"] and all(set(c["by_key"]) <= {new_id} for c in after["columns"])
    early = await run_cli("keys", "retire", "--database-url", db_url)  # default settle: the key is seconds old
    assert early.code == 1 and "retire after" in early.err and early.err.count("\n") == 1
    retired = await run_cli("keys", "retire", "--settle", "0", "--json", "--database-url", db_url)
    assert retired.code == 0, retired.err
    assert retired.json()["retired"] == [old.active_id]
    assert list(keyfile.read(key_path).keys) == [new_id]
    assert await _actions(db) == ["keys.rotated", "keys.reencrypted", "keys.retired"]


async def test_an_unfinished_rotation_is_continued_not_restarted(db: Database, db_url: str, key_path: Path) -> None:
    old = keyfile.read(key_path)
    filled = await fill(db, old, registrations=2)
    _ring, new_id = keyfile.add_key(key_path)  # a rotation that stopped right after adding its key
    status = await run_cli("keys", "status", "--database-url", db_url)
    assert status.code == 0 and "to re-encrypt" in status.out and "run `carrier keys rotate`" in status.out
    refused = await run_cli("keys", "retire", "--settle", "0", "--database-url", db_url)
    assert refused.code == 1 and "still under older keys" in refused.err
    res = await run_cli("keys", "rotate", "--json", "--database-url", db_url)
    assert res.code == 0, res.err
    assert res.json()["continued"] is True and res.json()["active_key"] == new_id
    assert list(keyfile.read(key_path).keys) == [old.active_id, new_id]
    # a late writer on the old key, then rotate --retire: caught, then the old key dropped
    stale = Keyring(dict(old.keys), old.index_key)
    async with db.write() as conn:
        await add_person(conn, stale, filled.oem.enterprise_id, role="PURCHASE", name="孙八", id_type="RESIDENT_ID",
                         id_number="11010519491231002X", phone="13500000005", actor="cli:test")
    final = await run_cli("keys", "rotate", "--retire", "--settle", "0", "--json", "--database-url", db_url)
    assert final.code == 0, final.err
    assert final.json()["continued"] is True and final.json()["retired"] == [old.active_id]
    assert final.json()["resealed"]["responsible_persons.person_enc"] == 1
    assert list(keyfile.read(key_path).keys) == [new_id]


def test_rotation_needs_the_key_file(db_url: str) -> None:
    res = carrier("keys", "rotate", "--database-url", db_url)  # the test key is in the environment
    assert res.code == 1 and ENV_VAR in res.err and res.err.count("\n") == 1
