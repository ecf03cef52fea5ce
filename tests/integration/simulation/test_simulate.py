"""`carrier simulate` end to end (small sizes): the summary holds together, agrees with
independent queries and with `carrier report inspection`, and a seed reproduces it."""

from __future__ import annotations

import asyncio
import json
import stat
import tempfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from carrier_gateway.db import Database
from provisioning.enterprises.registry import add_enterprise
from provisioning.privacy.keyring import ENV_VAR
from tests.support.cli import Result, carrier

SMALL = ("--oems", "2", "--cards", "40")
#: figures that depend on timing, not on the scenario
TIMING = ("elapsed_seconds", "throughput", "database_url", "master_key", "inspect")


def simulate(db_url: str, *args: str) -> Result:
    return carrier("simulate", "--json", "--database-url", db_url, *args)


async def _independent(db_url: str) -> dict[str, Any]:
    db = Database(db_url)
    try:
        async with db.read() as conn:
            def rows(sql: str) -> Any:
                return conn.execute(text(sql))
            states = dict((await rows("SELECT state, count(*) FROM cards GROUP BY state")).all())
            statuses = dict((await rows("SELECT status, count(*) FROM registrations GROUP BY status")).all())
            reasons = [json.loads(r) for (r,) in await rows("SELECT reasons FROM registrations "
                                                           "WHERE status = 'REJECTED'")]
            outbox = dict((await rows("SELECT status, count(*) FROM outbox GROUP BY status")).all())
            vins = {v for (v,) in await rows("SELECT vin FROM registrations")}
            unverified_active = (await rows(
                "SELECT count(*) FROM cards c WHERE c.state = 'ACTIVE' AND NOT EXISTS (SELECT 1 FROM registrations "
                "r WHERE r.iccid = c.iccid AND r.status = 'VERIFIED')")).scalar_one()
    finally:
        await db.dispose()
    codes: dict[str, int] = {}
    for reason_list in reasons:
        for code in {r["code"] for r in reason_list}:
            codes[code] = codes.get(code, 0) + 1
    return {"states": states, "statuses": statuses, "codes": codes, "outbox": outbox, "vins": vins,
            "unverified_active": unverified_active}


def test_a_small_simulation_holds_together_and_matches_the_database_and_the_report(db_url: str) -> None:
    result = simulate(db_url, "--seed", "1", *SMALL)
    assert result.code == 0, result.err
    s = result.json()
    regs = s["registrations"]
    assert regs["pushed"] == regs["verified"] + regs["superseded"] + regs["rejected"] + regs["pending"]
    assert regs["superseded"] > 0 and regs["pending"] > 0 and s["refused"] > 0
    assert sum(s["rejected_by_reason"].values()) == regs["rejected"] and len(s["rejected_by_reason"]) >= 10
    assert s["imei_swaps"] > 0 and s["suspended"] > 0 and s["cards_by_state"]["TEST"] > 0
    # data attaches went through RADIUS: every swap rejected there, the rest accepted
    assert s["radius"]["accepts"] > 0 and s["radius"]["rejects_by_reason"]["IMEI_MISMATCH"] == s["imei_swaps"]
    hooks = s["webhooks"]
    assert hooks["received"] == hooks["outbox"]["DELIVERED"] == sum(hooks["by_event"].values()) > 0
    assert set(hooks["outbox"]) == {"DELIVERED"} and hooks["refused"] == 0
    assert hooks["by_event"]["card.suspended"] == s["suspended"]
    assert s["replays"]["sent"] == s["replays"]["same_registration"] > 0
    assert set(s["requests"]) == {"SINGLE", "BATCH", "JOB"}
    assert s["checks"] == {"settled": True, "as_planned": True, "unexpected": [], "unexpected_count": 0,
                           "differences": {}}
    assert "[sales]" in result.err and "[webhooks]" in result.err  # progress went to stderr

    db = asyncio.run(_independent(db_url))
    assert db["states"] == {k: v for k, v in s["cards_by_state"].items() if v}
    assert db["statuses"] == {k.upper(): v for k, v in regs.items() if k != "pushed" and v}
    assert db["codes"] == s["rejected_by_reason"]
    assert db["outbox"] == hooks["outbox"]
    assert db["unverified_active"] == 0

    report = carrier("report", "inspection", "--database-url", db_url)
    assert report.code == 0, report.err
    totals = report.json()["totals"]
    assert totals["enterprises"] == s["oems"] and totals["cards"]["issued"] == s["cards"]
    assert totals["cards"]["by_state"] == s["cards_by_state"]
    assert {k: totals["registrations"][k] for k in ("verified", "superseded", "rejected", "pending")} == \
        {k: regs[k] for k in ("verified", "superseded", "rejected", "pending")}
    assert totals["registrations"]["total"] == regs["pushed"]
    assert totals["registrations"]["rejected_by_reason"] == s["rejected_by_reason"]
    assert {k: totals["backfill"][k] for k in s["backfill"]} == s["backfill"]
    assert totals["active_without_verified_registration"] == 0
    by_id = {e["enterprise_id"]: e for e in report.json()["enterprises"]}
    for mine in s["per_enterprise"]:
        theirs = by_id[mine["enterprise_id"]]
        assert theirs["cards"]["by_state"] == mine["cards_by_state"]
        assert theirs["registrations"]["rejected_by_reason"] == mine["rejected_by_reason"]


def _counts(summary: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in summary.items() if k not in TIMING}


def test_a_seed_reproduces_the_outcome_even_through_authority_faults(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    plain = simulate(f"sqlite:///{tmp_path / 'a.db'}", "--seed", "7", "--oems", "1", "--cards", "20")
    faulty = simulate(f"sqlite:///{tmp_path / 'b.db'}", "--seed", "7", "--oems", "1", "--cards", "20",
                      "--authority-failure-rate", "0.1", "--authority-latency", "0.01")
    monkeypatch.setenv("CARRIER_DATABASE_URL", f"sqlite:///{tmp_path / 'c.db'}")  # as good as --database-url
    other = carrier("simulate", "--json", "--seed", "8", "--oems", "1", "--cards", "20")
    for run in (plain, faulty, other):
        assert run.code == 0, run.err
    assert _counts(plain.json()) == _counts(faulty.json())
    assert other.json()["fingerprint"] != plain.json()["fingerprint"]
    vins = [asyncio.run(_independent(f"sqlite:///{tmp_path / name}"))["vins"] for name in ("a.db", "b.db", "c.db")]
    assert vins[0] == vins[1] and not vins[0] & vins[2]


def test_without_a_database_it_keeps_a_temporary_one_with_its_own_key(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR)
    monkeypatch.delenv("CARRIER_DATABASE_URL", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    result = carrier("simulate", "--oems", "1", "--cards", "20")
    assert result.code == 0, result.err
    (folder,) = tmp_path.glob("carrier-simulate-*")
    key = folder / "simulation.key"
    assert (folder / "simulation.db").is_file() and stat.S_IMODE(key.stat().st_mode) == 0o600
    assert f"CARRIER_MASTER_KEY_FILE={key} carrier report inspection --database-url " in result.out
    assert "every push, network answer and figure is as the scenario says" in result.out
    monkeypatch.setenv("CARRIER_MASTER_KEY_FILE", str(key))
    report = carrier("report", "inspection", "--database-url", f"sqlite+aiosqlite:///{folder / 'simulation.db'}")
    assert report.code == 0, report.err and report.json()["totals"]["cards"]["issued"] == 20


def test_a_database_that_holds_data_is_refused(db_url: str) -> None:
    async def one_enterprise() -> None:
        db = Database(db_url)
        try:
            async with db.write() as conn:
                await add_enterprise(conn, name="已有汽车有限公司", uscc="91110000MA01XAMP1Y", actor="cli:test")
        finally:
            await db.dispose()

    asyncio.run(one_enterprise())
    result = simulate(db_url, "--oems", "1", "--cards", "20")
    assert result.code == 1 and result.out == ""
    assert result.err.strip().splitlines()[-1].startswith("error: the database already holds enterprises")


def test_impossible_fractions_are_a_usage_error(tmp_path: Path) -> None:
    result = simulate(f"sqlite:///{tmp_path / 'x.db'}", "--bad-fraction", "0.7", "--outage-fraction", "0.5")
    assert result.code == 2 and "at most 1" in result.err
