"""Database and key files are owner-only: created 0600 (the -wal and -shm too), and
`carrier init` / `carrier serve` warn about existing ones other local users can open."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from carrier_gateway.db import Database
from carrier_gateway.filemodes import exposure_warning
from tests.integration.test_serve import free_port, wait_ready
from tests.support.cli import carrier, carrier_bin


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The common default umask, under which SQLite's own files come out 0644."""
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


def mode(path: Path | str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


async def _modes_while_open(url: str) -> dict[str, int]:
    db = Database(url)
    try:
        async with db.write() as conn:  # while a connection is open the -wal and -shm exist
            await conn.execute(text("CREATE TABLE scratch (x INTEGER)"))
        async with db.read() as conn:
            await conn.execute(text("SELECT count(*) FROM scratch"))
            return {Path(f).name: mode(f) for f in db.files}
    finally:
        await db.dispose()


def test_init_creates_the_database_and_its_wal_and_shm_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "carrier.db"
    res = carrier("init", "--database-url", f"sqlite:///{path}")
    assert res.code == 0 and "warning" not in res.err, res.err
    assert mode(path) == 0o600
    assert asyncio.run(_modes_while_open(f"sqlite:///{path}")) == {
        "carrier.db": 0o600, "carrier.db-wal": 0o600, "carrier.db-shm": 0o600}


def test_init_warns_about_an_existing_database_others_can_read(tmp_path: Path) -> None:
    path = tmp_path / "carrier.db"
    assert carrier("init", "--database-url", f"sqlite:///{path}").code == 0
    path.chmod(0o644)
    res = carrier("init", "--database-url", f"sqlite:///{path}")
    assert res.code == 0
    [warning] = [line for line in res.err.splitlines() if line.startswith("warning:")]
    assert str(path) in warning and "chmod 600" in warning
    assert mode(path) == 0o644  # told, not overruled


def test_serve_warns_at_start_about_a_database_and_key_file_others_can_read(tmp_path: Path) -> None:
    path = tmp_path / "carrier.db"
    assert carrier("init", "--database-url", f"sqlite:///{path}").code == 0
    path.chmod(0o644)
    key = tmp_path / "carrier.key"  # the default key file, in the working directory
    key.write_text("{}")
    key.chmod(0o640)
    port = free_port()
    proc = subprocess.Popen([*carrier_bin(), "serve", "--port", str(port), "--database-url", f"sqlite:///{path}"],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_ready(port, proc)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    events = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    [warning] = [e for e in events if e["level"] == "warning" and e["logger"] == "carrier.serve"]
    assert str(path) in warning["msg"] and str(key) in warning["msg"] and proc.returncode == 0


def test_exposure_names_only_files_group_or_others_may_open(tmp_path: Path) -> None:
    files = {name: tmp_path / name for name in ("private", "group_read", "other_write")}
    for path, bits in zip(files.values(), (0o600, 0o640, 0o602), strict=True):
        path.write_text("")
        path.chmod(bits)
    assert exposure_warning([str(files["private"]), str(tmp_path / "missing")]) is None
    warning = exposure_warning([str(p) for p in files.values()]) or ""
    assert str(files["group_read"]) in warning and str(files["other_write"]) in warning
    assert str(files["private"]) not in warning
