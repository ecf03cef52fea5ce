"""Master key set-up from the command line."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from provisioning.privacy.keyring import ENV_VAR, load_keyring
from tests.support.cli import carrier


@pytest.fixture
def no_env_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.delenv(ENV_VAR)
    key = tmp_path / "m.key"
    monkeypatch.setenv("CARRIER_MASTER_KEY_FILE", str(key))
    return key


def test_keys_init_writes_a_0600_file_once(no_env_key: Path) -> None:
    res = carrier("keys", "init", "--json")
    assert res.code == 0, res.err
    assert res.json()["path"] == str(no_env_key)
    assert stat.S_IMODE(os.stat(no_env_key).st_mode) == 0o600
    assert load_keyring(no_env_key, environ={}).active_id == res.json()["active_key"]
    again = carrier("keys", "init")
    assert again.code == 1 and "already exists" in again.err and again.err.count("\n") == 1


def test_init_sandbox_creates_the_key_when_missing(no_env_key: Path, tmp_path: Path) -> None:
    res = carrier("init", "--sandbox", "--json", "--database-url", f"sqlite:///{tmp_path / 'c.db'}")
    assert res.code == 0, res.err
    assert no_env_key.exists() and res.json()["master_key_created"] == str(no_env_key)


def test_serve_without_a_master_key_fails_in_one_line(no_env_key: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    assert carrier("init", "--database-url", url).code == 0
    res = carrier("serve", "--database-url", url)
    assert res.code == 1 and "carrier keys init" in res.err and res.err.count("\n") == 1
