"""Back-registration over the ops API and the CLI, with the deadline from the settings."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from carrier_gateway.db import Database
from provisioning.privacy.keyring import Keyring
from tests.api.provisioning.helpers import tokens
from tests.support.cli import Result, carrier
from tests.support.http import app_client
from tests.support.world import build_oem


async def test_ops_flag_and_regulators_read_with_the_configured_deadline(db_url: str, db: Database,
                                                                        master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=3)
    roles = await tokens(db_url)
    flag = {"enterprise_id": oem.enterprise_id, "iccids": oem.iccids[:2]}
    async with app_client(db_url) as http:  # default deadline 2022-09-30: already passed
        for role in ("auditor", "regulator"):
            assert (await http.post("/ops/v1/backfill", json=flag, headers=roles[role])).status == 403
        assert (await http.get("/ops/v1/backfill", headers=roles["auditor"])).status == 403
        made = await http.post("/ops/v1/backfill", json=flag, headers=roles["ops"])
        assert made.status == 200 and await made.json() == {"enterprise_id": oem.enterprise_id, "flagged": 2,
                                                            "already": 0}
        page = await (await http.get("/ops/v1/backfill?overdue=true&limit=1", headers=roles["regulator"])).json()
        assert page["deadline"] == "2022-09-30" and len(page["items"]) == 1 and page["next_cursor"]
        assert page["items"][0]["status"] == "OUTSTANDING" and page["items"][0]["overdue"] is True
        summary = await (await http.get(f"/ops/v1/backfill/summary?enterprise={oem.enterprise_id}",
                                        headers=roles["regulator"])).json()
        assert summary["items"][0]["overdue"] == 2 and summary["items"][0]["flagged"] == 2
        bad = await http.post("/ops/v1/backfill", json={**flag, "iccids": ["89860000000000000000"]},
                              headers=roles["ops"])
        assert bad.status == 404 and (await bad.json())["code"] == "CARD_NOT_FOUND"
    async with app_client(db_url, backfill_deadline="2099-12-31") as http:
        page = await (await http.get("/ops/v1/backfill", headers=roles["ops"])).json()
        assert page["deadline"] == "2099-12-31" and [c["overdue"] for c in page["items"]] == [False, False]
        gone = await http.post("/ops/v1/backfill/unflag", json=flag, headers=roles["ops"])
        assert await gone.json() == {"enterprise_id": oem.enterprise_id, "unflagged": 2}


async def test_cli_flags_from_a_file_and_lists_overdue_cards(db_url: str, db: Database, master_key: Keyring,
                                                             tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    oem = await build_oem(db, master_key, cards=3)
    listing = tmp_path / "cards.txt"
    listing.write_text(f"# sold before the notice\n{oem.iccids[0]}\n\n{oem.iccids[1]}  # dealer 7\n")

    async def cli(*args: str) -> Result:
        return await asyncio.to_thread(carrier, *args, "--database-url", db_url)

    flagged = await cli("backfill", "flag", "--enterprise", str(oem.enterprise_id), "--file", str(listing),
                        oem.iccids[1], "--json")
    assert flagged.code == 0, flagged.err
    assert flagged.json() == {"enterprise_id": oem.enterprise_id, "flagged": 2, "already": 0}
    unknown = await cli("backfill", "flag", "--enterprise", str(oem.enterprise_id), "89860000000000000000")
    assert unknown.code == 1 and unknown.err.count("\n") == 1
    assert "not cards of enterprise" in unknown.err
    overdue = await cli("backfill", "list", "--overdue", "--json")
    assert [c["iccid"] for c in overdue.json()["items"]] == sorted(oem.iccids[:2])
    table = await cli("backfill", "summary")
    assert table.out.splitlines()[0] == "deadline 2022-09-30"
    monkeypatch.setenv("CARRIER_BACKFILL_DEADLINE", "2099-12-31")
    later = await cli("backfill", "list", "--overdue", "--json")
    assert later.json()["items"] == [] and later.json()["deadline"] == "2099-12-31"
    summary = await cli("backfill", "summary", "--enterprise", str(oem.enterprise_id), "--json")
    assert summary.json()["items"] == [{"enterprise_id": oem.enterprise_id, "flagged": 2, "done": 0,
                                        "done_late": 0, "pending": 0, "rejected": 0, "outstanding": 2,
                                        "overdue": 0, "terminated": 0}]
