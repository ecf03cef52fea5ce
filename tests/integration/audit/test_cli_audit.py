"""`carrier audit verify` catches an edited, deleted or reordered entry; `carrier audit
export` streams a range that can be re-checked from the file alone."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

from sqlalchemy import delete, select, update

from carrier_gateway.db import Database
from provisioning.audit.tables import audit_log
from provisioning.audit.trail import GENESIS, Event, entry_hash, record
from tests.support.sealed import run_cli

T0 = dt.datetime(2026, 3, 1, 1, 0, tzinfo=dt.UTC)  # 09:00 China time


async def _fill(db: Database, n: int = 6) -> None:
    for i in range(n):
        async with db.write() as conn:
            await record(conn, Event("ops:1", "card.transition", "card", f"8986{i:04d}", enterprise_id=1,
                                     detail={"from": "INVENTORY", "to": "TEST", "i": i}),
                         at=T0 + dt.timedelta(days=i))


async def _verify(db_url: str) -> tuple[int, str, str]:
    res = await run_cli("audit", "verify", "--database-url", db_url)
    return res.code, res.out, res.err


async def test_an_intact_trail_exits_0_with_the_count(db: Database, db_url: str) -> None:
    await _fill(db)
    code, out, err = await _verify(db_url)
    assert (code, err) == (0, "") and "6 entries checked" in out
    doc = (await run_cli("audit", "verify", "--json", "--database-url", db_url)).json()
    assert doc == {"ok": True, "checked": 6, "first_bad_seq": None, "problem": None}


async def test_an_edited_entry_is_named(db: Database, db_url: str) -> None:
    await _fill(db)
    async with db.write() as conn:
        await conn.execute(update(audit_log).where(audit_log.c.seq == 3).values(detail='{"to":"ACTIVE"}'))
    code, out, err = await _verify(db_url)
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "broken at entry 3" in err and "altered" in err


async def test_a_deleted_entry_is_named(db: Database, db_url: str) -> None:
    await _fill(db)
    async with db.write() as conn:
        await conn.execute(delete(audit_log).where(audit_log.c.seq == 4))
    code, _, err = await _verify(db_url)
    assert code == 1 and err.count("\n") == 1 and "broken at entry 4" in err and "missing" in err


async def test_reordered_entries_are_named(db: Database, db_url: str) -> None:
    await _fill(db)
    async with db.write() as conn:
        rows = {r.seq: r for r in (await conn.execute(select(audit_log))).all()}
        for seq, src in ((2, rows[5]), (5, rows[2])):  # contents swap, numbers stay
            await conn.execute(update(audit_log).where(audit_log.c.seq == seq)
                               .values(**{k: v for k, v in src._mapping.items() if k != "seq"}))
    code, _, err = await _verify(db_url)
    assert code == 1 and err.count("\n") == 1 and "broken at entry 2" in err and "reordered" in err
    res = await run_cli("audit", "verify", "--json", "--database-url", db_url)
    assert res.code == 1 and res.json()["first_bad_seq"] == 2


def _recheck(entries: list[dict[str, object]]) -> None:
    """What a regulator can do with an export alone: recompute every hash and link."""
    prev = GENESIS
    for e in entries:
        assert e["prev_hash"] == prev
        detail = e["detail"] if isinstance(e["detail"], str) else json.dumps(
            e["detail"], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        ent = e["enterprise_id"]
        assert entry_hash(str(e["prev_hash"]), int(str(e["seq"])), dt.datetime.fromisoformat(str(e["at"])),
                          str(e["actor"]), str(e["action"]), str(e["object_type"]), str(e["object_id"]),
                          int(str(ent)) if ent not in (None, "") else None, detail) == e["hash"]
        prev = str(e["hash"])


async def test_export_streams_a_range_as_jsonl_and_csv(db: Database, db_url: str, tmp_path: Path) -> None:
    await _fill(db)
    whole = await run_cli("audit", "export", "--database-url", db_url)
    assert whole.code == 0, whole.err
    *entries, trailer = [json.loads(line) for line in whole.out.splitlines()]
    assert [e["seq"] for e in entries] == [1, 2, 3, 4, 5, 6, 7]
    assert entries[-1]["action"] == "audit.exported"  # the export is recorded before it starts
    assert trailer == {"trailer": {"count": 7, "head_seq": 7, "head_hash": entries[-1]["hash"]}}
    _recheck(entries)
    out = tmp_path / "audit.csv"
    res = await run_cli("audit", "export", "--from", "2026-03-02", "--to", "2026-03-04", "--format", "csv",
                        "--output", str(out), "--json", "--database-url", db_url)
    assert res.code == 0, res.err
    assert res.json() == {"path": str(out), "entries": 3, "format": "csv"}
    *rows, last = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["seq"] for r in rows] == ["2", "3", "4"]
    assert last["seq"].startswith("# count=3 head_seq=8 head_hash=")
    assert json.loads(rows[0]["detail"]) == {"from": "INVENTORY", "i": 1, "to": "TEST"}
    listed = (await run_cli("audit", "list", "--action", "audit.exported", "--json", "--database-url", db_url)).json()
    assert len(listed["items"]) == 2
    assert listed["items"][1]["detail"]["format"] == "csv" and listed["items"][1]["actor"].startswith("cli:")
    assert (await _verify(db_url))[0] == 0


async def test_an_export_is_checked_without_the_database(db: Database, db_url: str, tmp_path: Path) -> None:
    await _fill(db)
    out = tmp_path / "trail.jsonl"
    assert (await run_cli("audit", "export", "--output", str(out), "--database-url", db_url)).code == 0
    ok = await run_cli("audit", "verify", "--file", str(out))
    assert ok.code == 0 and "7 entries checked" in ok.out
    lines = out.read_text(encoding="utf-8").splitlines()
    edited = [json.loads(x) for x in lines]
    edited[2]["detail"]["to"] = "ACTIVE"
    cases = {
        "edited": ([json.dumps(e, ensure_ascii=False) for e in edited], "entry 3 was altered"),
        "deleted": (lines[:3] + lines[4:], "entry 4 is missing"),
        "reordered": ([lines[0], lines[2], lines[1], *lines[3:]], "entry 2 is missing"),
        "cut short": (lines[:5], "without a trailer line: it was cut short"),
        "tail removed": ([*lines[:5], lines[-1]], "has 5 lines but its trailer counts 7"),
    }
    for name, (content, message) in cases.items():
        bad = tmp_path / f"{name}.jsonl"
        bad.write_text("\n".join(content) + "\n", encoding="utf-8")
        res = await run_cli("audit", "verify", "--file", str(bad))
        assert res.code == 1 and message in res.err and res.err.count("\n") == 1, (name, res.err)
    csv_out = tmp_path / "range.csv"
    await run_cli("audit", "export", "--format", "csv", "--from", "2026-03-03", "--output", str(csv_out),
                  "--database-url", db_url)
    assert (await run_cli("audit", "verify", "--file", str(csv_out), "--filtered")).code == 0
