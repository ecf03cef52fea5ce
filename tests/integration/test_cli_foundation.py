"""`carrier init`, `token`, global options and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import carrier, carrier_process


def test_init_creates_then_reports_current(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    first = carrier("--json", "init", "--database-url", url)
    assert first.code == 0, first.err
    assert first.json()["action"] == "created"
    again = carrier("init", "--database-url", url, "--json")
    assert again.json()["action"] == "current" and again.json()["revision"] == first.json()["revision"]


def test_global_options_work_before_and_after_the_subcommand(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    assert carrier("--database-url", url, "init").code == 0
    before = carrier("--json", "--database-url", url, "token", "create", "--role", "ops")
    after = carrier("token", "create", "--role", "auditor", "--json", "--database-url", url)
    assert before.code == after.code == 0
    assert before.json()["token"].startswith("cop_") and after.json()["role"] == "auditor"
    listed = carrier("token", "list", "--database-url", url, "--json").json()["items"]
    assert [t["role"] for t in listed] == ["ops", "auditor"]
    assert before.json()["token"] not in str(listed)


def test_commands_refuse_an_uninitialised_database_in_one_line(tmp_path: Path) -> None:
    res = carrier("token", "list", "--database-url", f"sqlite:///{tmp_path / 'none.db'}")
    assert res.code == 1 and res.out == ""
    assert res.err.count("\n") == 1 and "carrier init" in res.err


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("sqlite:////no/such/dir/c.db", "does not exist"),
        ("postgresql://postgres@127.0.0.1:1/x", "unreachable"),
        ("oracle://x@y/z", "unsupported database"),
    ],
)
def test_unusable_databases_fail_in_one_line_without_traceback(url: str, needle: str) -> None:
    res = carrier("init", "--database-url", url)
    assert res.code == 1
    assert res.err.startswith("error: ") and res.err.count("\n") == 1 and needle in res.err
    assert "Traceback" not in res.err


def test_unwritable_sqlite_directory_is_one_line(tmp_path: Path) -> None:
    locked = tmp_path / "ro"
    locked.mkdir(mode=0o500)
    import os
    if os.access(locked, os.W_OK):  # running as root: permissions do not bind
        res = carrier("init", "--database-url", f"sqlite:///{tmp_path / 'missing' / 'c.db'}")
    else:
        res = carrier("init", "--database-url", f"sqlite:///{locked / 'c.db'}")
    assert res.code == 1 and res.err.count("\n") == 1 and "Traceback" not in res.err


def test_console_script_is_installed_and_teaches(tmp_path: Path) -> None:
    res = carrier_process("--help", cwd=tmp_path)
    assert res.code == 0
    for name in ("init", "serve", "token"):
        assert name in res.out
    assert "--database-url" in res.out and "--json" in res.out


def test_usage_error_exits_2(tmp_path: Path) -> None:
    res = carrier("token", "create", "--role", "king", "--database-url", f"sqlite:///{tmp_path / 'c.db'}")
    assert res.code == 2 and "king" in res.err
