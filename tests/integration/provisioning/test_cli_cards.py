"""`carrier cards ...` as a user runs it: issue with progress and resume, explain, transitions."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from carrier_gateway.db import Database
from numbering.msisdn import segments
from tests.integration.provisioning.factory import enterprise, stock
from tests.support.cli import carrier


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    assert carrier("init", "--database-url", url).code == 0
    return url


def _enterprise(url: str, numbers: int) -> int:
    async def go() -> int:
        db = Database(url)
        try:
            async with db.write() as conn:
                ent = await enterprise(conn)
                await stock(conn, ent.id, numbers=numbers)
            return ent.id
        finally:
            await db.dispose()

    return asyncio.run(go())


def _more_numbers(url: str, eid: int) -> None:
    async def go() -> None:
        db = Database(url)
        try:
            async with db.write() as conn:
                await segments.allocate_block(conn, eid, 200)
        finally:
            await db.dispose()

    asyncio.run(go())


def test_issue_prints_the_order_and_shows_progress(url: str) -> None:
    eid = _enterprise(url, 250)
    res = carrier("cards", "issue", "--enterprise", str(eid), "--count", "250", "--usage", "TBOX", "--static-ip",
                  "--chunk-size", "100", "--json", "--database-url", url)
    assert res.code == 0, res.err
    order = res.json()
    assert {"order_id", "count", "first_iccid", "last_iccid"} <= set(order) and order["count"] == 250
    assert "order 1" in res.err  # progress on stderr, stdout is the JSON alone
    listed = carrier("cards", "list", "--enterprise", str(eid), "--limit", "250", "--json", "--database-url", url)
    iccids = [c["iccid"] for c in listed.json()["items"]]
    assert iccids[0] == order["first_iccid"] and iccids[-1] == order["last_iccid"] and len(iccids) == 250


def test_interrupted_issue_is_resumed(url: str) -> None:
    eid = _enterprise(url, 250)
    res = carrier("cards", "issue", "--enterprise", str(eid), "--count", "400", "--usage", "ECALL",
                  "--chunk-size", "100", "--database-url", url)
    assert res.code == 1 and "stopped after 200 of 400" in res.err and "resume order 1" in res.err
    assert res.err.count("Traceback") == 0
    waiting = carrier("cards", "orders", "--open", "--database-url", url)
    assert "STOPPED" in waiting.out and "200" in waiting.out
    _more_numbers(url, eid)
    resumed = carrier("cards", "issue", "--resume", "1", "--json", "--database-url", url)
    assert resumed.code == 0, resumed.err
    assert resumed.json()["issued"] == 400 and resumed.json()["status"] == "COMPLETE"
    again = carrier("cards", "issue", "--resume", "1", "--database-url", url)
    assert again.code == 1 and again.err.strip().endswith("order 1 is complete (400 cards)")
    orders = carrier("cards", "orders", "--json", "--database-url", url).json()["items"]
    assert [(o["order_id"], o["issued"]) for o in orders] == [(1, 400)]


def test_a_tiny_chunk_size_is_refused(url: str) -> None:
    eid = _enterprise(url, 250)
    res = carrier("cards", "issue", "--enterprise", str(eid), "--count", "10000", "--usage", "TBOX",
                  "--chunk-size", "2", "--database-url", url)
    assert res.code == 2 and "--chunk-size" in res.err and "100<=x<=50000" in res.err


def test_issue_needs_its_options(url: str) -> None:
    res = carrier("cards", "issue", "--count", "3", "--database-url", url)
    assert res.code == 2 and "--enterprise" in res.err


def test_explain_transition_and_history(url: str) -> None:
    eid = _enterprise(url, 10)
    order = carrier("cards", "issue", "--enterprise", str(eid), "--count", "1", "--usage", "TBOX", "--json",
                    "--database-url", url).json()
    iccid = order["first_iccid"]
    bad = carrier("cards", "transition", iccid, "ACTIVE", "--reason", "x", "--database-url", url)
    assert bad.code == 1 and bad.err.count("\n") == 1 and "card is INVENTORY" in bad.err
    ok = carrier("cards", "transition", iccid, "TEST", "--reason", "line 3", "--database-url", url)
    assert ok.code == 0 and "is now TEST" in ok.out
    explained = carrier("cards", "explain", iccid, "--database-url", url)
    assert "data   ALLOWED [FACTORY_TEST]" in explained.out and "voice  DENIED  [USAGE_CEILING]" in explained.out
    doc = carrier("cards", "explain", iccid, "--json", "--database-url", url).json()
    assert doc["ceiling"] == {"data": "PLATFORMS", "sms": "MT_SHORT_CODES", "voice": "NONE"}
    shown = carrier("cards", "show", iccid, "--json", "--database-url", url).json()
    assert shown["state"] == "TEST" and shown["services"]["data"]["scope"] == "TEST_APN"
    history = carrier("cards", "history", iccid, "--json", "--database-url", url).json()["items"]
    assert [(h["from_state"], h["to_state"], h["reason"]) for h in history] == [("INVENTORY", "TEST", "line 3")]
    assert history[0]["actor"].startswith("cli:")
    missing = carrier("cards", "show", "89860000000000000000", "--database-url", url)
    assert missing.code == 1 and "no card" in missing.err
