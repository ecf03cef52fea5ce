"""The audit trail over the ops API: filtered pages with a cursor, the chain check, the export."""

from __future__ import annotations

import datetime as dt
import io
import json

from sqlalchemy import update

from carrier_gateway.db import Database
from provisioning.audit import query
from provisioning.audit.offline import check_export
from provisioning.audit.tables import audit_log
from provisioning.audit.trail import Event, record
from tests.api.provisioning.helpers import tokens
from tests.support.http import app_client

T0 = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)


async def _fill(db: Database) -> None:
    async with db.write() as conn:
        await record(conn, *[Event("ops:9", "card.transition" if i % 2 else "enterprise.updated",
                                   "card" if i % 2 else "enterprise", str(i), enterprise_id=1 + i % 3,
                                   detail={"i": i}) for i in range(12)], at=T0)
    async with db.write() as conn:
        await record(conn, Event("cli:alice", "keys.rotated", "master_key", "k1", None, {}),
                     at=T0 + dt.timedelta(days=2))


async def test_pages_filters_and_cursor(db: Database, db_url: str) -> None:
    await _fill(db)
    h = await tokens(db_url, "auditor", "regulator")  # two more entries: the tokens' creation
    async with app_client(db_url) as http:
        seen: list[int] = []
        cursor = None
        while True:
            url = "/ops/v1/audit?action=card.&limit=4" + (f"&cursor={cursor}" if cursor else "")
            resp = await http.get(url, headers=h["regulator"])
            assert resp.status == 200
            page = await resp.json()
            seen += [e["seq"] for e in page["items"]]
            assert all(e["action"] == "card.transition" for e in page["items"])
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == [2, 4, 6, 8, 10, 12]
        one = await (await http.get("/ops/v1/audit?enterprise_id=2&object_type=enterprise",
                                    headers=h["auditor"])).json()
        assert [e["object_id"] for e in one["items"]] == ["4", "10"] and one["items"][0]["detail"] == {"i": 4}
        late = await (await http.get("/ops/v1/audit?from=2026-05-02T00:00:00Z&to=2026-05-04T00:00:00Z",
                                     headers=h["auditor"])).json()
        assert [e["action"] for e in late["items"]] == ["keys.rotated"]
        tokens_made = await (await http.get("/ops/v1/audit?object_type=ops_token", headers=h["auditor"])).json()
        assert [e["detail"] for e in tokens_made["items"]] == [{"role": "auditor"}, {"role": "regulator"}]
        bad = await http.get("/ops/v1/audit?cursor=abc", headers=h["auditor"])
        assert bad.status == 422


async def test_verify_and_export(db: Database, db_url: str) -> None:
    await _fill(db)
    h = await tokens(db_url, "auditor", "regulator")
    async with app_client(db_url) as http:
        ok = await (await http.get("/ops/v1/audit/verify", headers=h["auditor"])).json()
        assert ok == {"ok": True, "checked": 15, "first_bad_seq": None, "problem": None}
        resp = await http.get("/ops/v1/audit/export?action=card.", headers=h["regulator"])
        assert resp.status == 200 and resp.headers["Content-Type"].startswith("application/x-ndjson")
        *lines, trailer = [json.loads(line) for line in (await resp.text()).splitlines()]
        assert [e["seq"] for e in lines] == [2, 4, 6, 8, 10, 12]
        async with db.read() as conn:
            head = await query.head(conn)
        # 15 entries and this export's own: the trailer names the head as the export began
        assert head.seq == 16 and trailer == {"trailer": {"count": 6, "head_seq": 16, "head_hash": head.hash}}
        csv_resp = await http.get("/ops/v1/audit/export?format=csv&object_type=master_key", headers=h["regulator"])
        text = await csv_resp.text()
        assert csv_resp.headers["Content-Type"].startswith("text/csv")
        header, entry, csv_trailer = text.splitlines()
        assert header.startswith("seq,at,actor") and entry.startswith("13,")
        assert csv_trailer.startswith("# count=1 head_seq=17 head_hash=")
        assert check_export(io.StringIO(text), gaps=True).ok
        async with db.write() as conn:
            await conn.execute(update(audit_log).where(audit_log.c.seq == 5).values(actor="ops:10"))
        broken = await (await http.get("/ops/v1/audit/verify", headers=h["regulator"])).json()
    assert broken["ok"] is False and broken["first_bad_seq"] == 5 and "altered" in broken["problem"]
    async with db.read() as conn:
        exports = (await query.page(conn, query.Filters(action="audit.exported"))).items
    assert [e["detail"]["format"] for e in exports] == ["jsonl", "csv"]
    assert exports[0]["detail"]["filters"] == {"action": "card."}
