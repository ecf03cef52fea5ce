"""`carrier enterprise ...` as a user runs it: --json documents, one-line errors."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.integration.provisioning.factory import uscc
from tests.support.cli import carrier


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    assert carrier("init", "--database-url", url).code == 0
    return url


def test_enterprise_add_prints_its_id_and_show_lists_destinations(url: str) -> None:
    res = carrier("--json", "enterprise", "add", "--name", "某某汽车", "--uscc", uscc(1), "--database-url", url)
    assert res.code == 0, res.err
    eid = res.json()["id"]
    assert res.json()["uscc"] == uscc(1)
    agent = carrier("enterprise", "add", "--name", "代理", "--uscc", uscc(2), "--kind", "AGENT",
                    "--authorized-by", str(eid), "--authorized-until", "2030-12-31", "--json", "--database-url", url)
    assert agent.code == 0 and agent.json()["authorized_until"] == "2030-12-31"
    added = carrier("enterprise", "destination", "add", str(eid), "PLATFORM_PREFIX", "198.51.100.9/24",
                    "--database-url", url)
    assert added.code == 0 and "198.51.100.0/24" in added.out
    shown = carrier("enterprise", "show", str(eid), "--json", "--database-url", url).json()
    assert shown["destinations"]["PLATFORM_PREFIX"] == ["198.51.100.0/24"]
    listed = carrier("enterprise", "list", "--database-url", url)
    assert listed.code == 0 and "AGENT" in listed.out and "某某汽车" in listed.out


def test_bad_uscc_is_one_line(url: str) -> None:
    res = carrier("enterprise", "add", "--name", "X", "--uscc", "91110000600037341M", "--database-url", url)
    assert res.code == 1 and res.out == "" and res.err.count("\n") == 1
    assert res.err.startswith("error: Unified Social Credit Code is invalid")


def test_person_change_roster_on_a_date_and_csv_export(url: str, tmp_path: Path) -> None:
    eid = carrier("--json", "enterprise", "add", "--name", "A", "--uscc", uscc(1), "--database-url", url).json()["id"]
    person = ["enterprise", "person", "add", str(eid), "--role", "REAL_NAME", "--id-type", "RESIDENT_ID",
              "--id-number", "11010519491231002X", "--phone", "13800138000", "--database-url", url]
    first = carrier(*person, "--name", "张三", "--json")
    assert first.code == 0, first.err
    assert first.json()["name"] == "张*" and "13800138000" not in first.out
    assert carrier(*person, "--name", "李四").code == 0
    now = carrier("enterprise", "person", "list", str(eid), "--json", "--database-url", url).json()["items"]
    assert [p["name"] for p in now] == ["李*"]
    history = carrier("enterprise", "person", "list", str(eid), "--history", "--json", "--database-url", url)
    assert [p["name"] for p in history.json()["items"]] == ["张*", "李*"]
    empty = carrier("enterprise", "person", "list", str(eid), "--on", "2001-01-01", "--json", "--database-url", url)
    assert empty.json()["items"] == []
    out = tmp_path / "roster.csv"
    res = carrier("enterprise", "roster", "--format", "csv", "--output", str(out), "--json", "--database-url", url)
    assert res.code == 0 and res.json()["rows"] == 1
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0]["name"] == "李*" and rows[0]["uscc"] == uscc(1)
    printed = carrier("enterprise", "roster", "--format", "csv", "--database-url", url)
    assert printed.out.splitlines()[0].startswith("enterprise_id,enterprise_name,uscc")


def test_key_create_rotate_revoke(url: str) -> None:
    eid = carrier("--json", "enterprise", "add", "--name", "A", "--uscc", uscc(1), "--database-url", url).json()["id"]
    created = carrier("enterprise", "key", "create", str(eid), "--json", "--database-url", url)
    assert created.code == 0 and set(created.json()) >= {"key_id", "secret"}
    key_id = created.json()["key_id"]
    rotated = carrier("enterprise", "key", "rotate", key_id, "--grace-hours", "2", "--json", "--database-url", url)
    assert rotated.code == 0 and rotated.json()["key_id"] != key_id
    assert carrier("enterprise", "key", "revoke", key_id, "--database-url", url).code == 0
    again = carrier("enterprise", "key", "revoke", key_id, "--database-url", url)
    assert again.code == 1 and "already revoked" in again.err
    listed = carrier("enterprise", "key", "list", str(eid), "--json", "--database-url", url).json()["items"]
    assert {k["key_id"]: k["status"] for k in listed} == {key_id: "REVOKED", rotated.json()["key_id"]: "ACTIVE"}
    assert created.json()["secret"] not in str(listed)
