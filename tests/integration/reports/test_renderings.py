"""CSV and HTML renderings through the CLI: CSV parses and agrees with JSON, the HTML page
is self-contained, escaped and masked, in English or (--lang zh) Chinese, and a violation is
loud in every format."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from sqlalchemy import text

from carrier_gateway.db import Database
from provisioning.privacy.keyring import Keyring
from provisioning.reports import svg
from tests.integration.reports.conftest import cli
from tests.integration.reports.scenario import HOSTILE, World
from tests.support.world import build_oem


def _rows(text_: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text_)))


async def test_csv_parses_and_matches_the_json_report(db_url: str, world: World) -> None:
    doc = (await cli(db_url, "--json")).json()
    table = await cli(db_url, "--format", "csv")
    assert table.code == 0, table.err
    rows = _rows(table.out)
    assert [int(r["enterprise_id"]) for r in rows] == [e["enterprise_id"] for e in doc["enterprises"]]
    for row, e in zip(rows, doc["enterprises"], strict=True):
        assert row["name"] == ("'" + e["name"] if e["name"].startswith("=") else e["name"])
        assert int(row["cards_issued"]) == e["cards"]["issued"]
        assert {s: int(row[f"cards_{s}"]) for s in e["cards"]["by_state"]} == e["cards"]["by_state"]
        assert (int(row["cards_sold"]), int(row["cards_verified"])) == (e["funnel"]["sold"], e["funnel"]["verified"])
        for status in ("total", "verified", "rejected", "pending", "superseded"):
            assert int(row[f"registrations_{status}"]) == e["registrations"][status]
        reasons = {k.removeprefix("rejected_"): int(v) for k, v in row.items() if k.startswith("rejected_") and int(v)}
        assert reasons == e["registrations"]["rejected_by_reason"]
        assert {k: int(row[f"backfill_{k}"]) for k in e["backfill"]} == e["backfill"]
        assert int(row["numbers_assigned"]) == e["numbers"]["assigned"]
        assert float(row["numbers_utilisation_percent"]) == e["numbers"]["utilisation_percent"]
        assert row["ip_prefixes"].split() == e["ip"]["prefixes"] and row["ip_usable"] == e["ip"]["usable"]
        assert row["violation"] == "NO" and row["roster_last_changed_at"] == (e["roster"]["last_changed_at"] or "")
    assert "rejected_IDENTITY_MISMATCH" in rows[0] and "rejected_HOLDER_UNDERAGE" in rows[0]  # every contract code
    roster = await cli(db_url, "--format", "csv", "--section", "roster")
    people = _rows(roster.out)
    assert len(people) == 2 * len(doc["enterprises"])
    expected = [(e["enterprise_id"], r["role"], r["name"] or "")
                for e in doc["enterprises"] for r in e["roster"]["roles"]]
    assert [(int(p["enterprise_id"]), p["role"], p["name"]) for p in people] == expected
    for clear in world.personal:
        assert clear not in table.out and clear not in roster.out


async def test_html_is_self_contained_escaped_masked_with_charts(db_url: str, world: World,
                                                                tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    written = await cli(db_url, "--format", "html", "--output", str(out), "--json")
    assert written.code == 0, written.err
    assert written.json() == {"output": str(out), "format": "html", "enterprises": 3, "violations": 0,
                              "warnings": 3}
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 1 + 3 + 2 + 1  # funnels, numbers, IPs, data
    assert page.count('class="chart funnel"') == 4 and page.count('class="chart bars"') == 3
    lowered = page.lower()
    for outside in ("<script", "http://", "https://", "src=", "<link", "@import", "url(", "<img", "<iframe"):
        assert outside not in lowered, outside
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and HOSTILE not in page
    assert "No violations" in page and 'class="banner violation"' not in page
    for clear in world.personal:
        assert clear not in page
    assert "王**" in page and "赵*" in page
    for colour in svg.FUNNEL_COLOURS:
        assert f'fill="{colour}"' in page


async def test_html_is_english_by_default_and_chinese_with_lang_zh(db_url: str, world: World, tmp_path: Path) -> None:
    pages = {}
    for lang, chosen in (("en", ()), ("zh", ("--lang", "zh"))):
        out = tmp_path / f"report-{lang}.html"
        written = await cli(db_url, "--format", "html", "--output", str(out), *chosen)
        assert written.code == 0, written.err
        pages[lang] = out.read_text(encoding="utf-8")
    assert '<html lang="en">' in pages["en"] and "<h2>Registration funnel</h2>" in pages["en"]
    assert "登记漏斗" not in pages["en"] and "<title>Inspection report " in pages["en"]
    assert '<html lang="zh-Hans">' in pages["zh"] and "<h2>登记漏斗</h2>" in pages["zh"]
    assert "Registration funnel" not in pages["zh"] and "<title>检查报告 " in pages["zh"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages["zh"] and HOSTILE not in pages["zh"]  # escaped alike
    for clear in world.personal:
        assert clear not in pages["zh"]
    refused = await cli(db_url, "--format", "json", "--lang", "zh")
    assert refused.code == 2 and "--lang applies to HTML only" in refused.err


async def _force_violation(db: Database, master_key: Keyring) -> tuple[int, str]:
    oem = await build_oem(db, master_key, cards=3, seed=5)
    async with db.write() as conn:  # what must never happen: service without a verified identity
        await conn.execute(text("UPDATE cards SET state = 'ACTIVE' WHERE iccid = :i"), {"i": oem.iccids[1]})
    return oem.enterprise_id, oem.iccids[1]


async def test_a_forced_active_card_without_verification_is_flagged_everywhere(
        db: Database, db_url: str, master_key: Keyring, tmp_path: Path) -> None:
    enterprise_id, iccid = await _force_violation(db, master_key)
    doc = await cli(db_url)
    assert doc.code == 3 and doc.err.count("\n") == 1 and "VIOLATION: 1 ACTIVE card" in doc.err
    report = json.loads(doc.out)
    [violation] = report["violations"]
    assert violation == {"code": "ACTIVE_WITHOUT_VERIFIED_REGISTRATION", "enterprise_id": enterprise_id,
                         "count": 1, "sample_iccids": [iccid], "message": violation["message"]}
    assert "clause 8" in violation["message"]
    assert report["totals"]["active_without_verified_registration"] == 1
    table = await cli(db_url, "--format", "csv")
    assert table.code == 3 and _rows(table.out)[0]["violation"] == "YES"
    assert _rows(table.out)[0]["active_without_verified_registration"] == "1"
    out = tmp_path / "r.html"
    page = await cli(db_url, "--format", "html", "--output", str(out))
    assert page.code == 3 and "1 violation(s)" in page.out
    html = out.read_text(encoding="utf-8")
    banner = re.search(r'<div class="banner violation" role="alert">(.*?)</div>', html, re.S)
    assert banner is not None and "1 ACTIVE card(s) without a VERIFIED registration" in banner.group(1)
    assert iccid in banner.group(1) and "No violations" not in html
    assert 'class="bad"' in html


async def test_options_that_cannot_work_are_usage_errors(db_url: str, tmp_path: Path) -> None:
    for args in (("--format", "json", "--section", "roster"), ("--format", "html", "--json"),
                 ("--format", "csv", "--output", str(tmp_path / "missing" / "r.csv"))):
        got = await cli(db_url, *args)
        assert got.code == 2 and got.out == "", args
    plain = await cli(db_url, "--format", "csv", "--section", "roster")
    assert plain.code == 0 and plain.out.splitlines()[0].startswith("enterprise_id,enterprise_name,kind,role")
