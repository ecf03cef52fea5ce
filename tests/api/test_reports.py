"""GET /ops/v1/reports/inspection: roles, the three formats, the violation header, the
audit entry, and problem answers for options that cannot work."""

from __future__ import annotations

import csv
import io
import json
import random

from sqlalchemy import text

from carrier_gateway.api.report_models import InspectionReportOut
from carrier_gateway.db import Database
from provisioning.documents import fake
from provisioning.enterprises.persons import add_person
from provisioning.privacy.keyring import Keyring
from tests.api.provisioning.helpers import tokens
from tests.support.http import app_client
from tests.support.world import ACTOR, build_oem

PATH = "/ops/v1/reports/inspection"


async def test_regulator_and_ops_read_every_format_and_each_read_is_audited(db_url: str, db: Database,
                                                                          master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=4)
    number = fake.resident_id(random.Random(3))
    async with db.write() as conn:
        await add_person(conn, master_key, oem.enterprise_id, role="REAL_NAME", name="周八", id_type="RESIDENT_ID",
                         id_number=number, phone="13300133000", actor=ACTOR)
    roles = await tokens(db_url)
    async with app_client(db_url) as http:
        assert (await http.get(PATH)).status == 401
        denied = await http.get(PATH, headers=roles["auditor"])
        assert denied.status == 403 and (await denied.json())["code"] == "ROLE_FORBIDDEN"
        got = await http.get(PATH, headers=roles["regulator"])
        assert got.status == 200 and got.content_type == "application/json"
        assert got.headers["X-Inspection-Violations"] == "0"
        doc = InspectionReportOut.model_validate(await got.json())
        [section] = doc.enterprises
        assert section.cards.by_state["INVENTORY"] == 4 and section.roster.roles[1].name == "周*"
        table = await http.get(PATH + "?format=csv", headers=roles["ops"])
        assert table.content_type == "text/csv" and table.charset == "utf-8"
        assert table.headers["Content-Disposition"].startswith('attachment; filename="inspection-')
        [row] = list(csv.DictReader(io.StringIO(await table.text())))
        assert row["cards_INVENTORY"] == "4" and row["violation"] == "NO"
        roster = await http.get(PATH + "?format=csv&section=roster", headers=roles["regulator"])
        assert [r["role"] for r in csv.DictReader(io.StringIO(await roster.text()))] == ["PURCHASE", "REAL_NAME"]
        page = await http.get(PATH + "?format=html", headers=roles["regulator"])
        body = await page.text()
        assert page.content_type == "text/html" and body.count("<svg") == 5 and "<script" not in body
        for clear in ("周八", number, "13300133000"):
            assert clear not in body
    async with db.read() as conn:
        entries = (await conn.execute(text("SELECT actor, detail FROM audit_log WHERE action = 'report.inspection' "
                                           "ORDER BY seq"))).all()
    assert [json.loads(e.detail)["format"] for e in entries] == ["json", "csv", "csv", "html"]
    assert json.loads(entries[2].detail)["section"] == "roster"
    assert all(e.actor.startswith("ops:") for e in entries)


async def test_violations_travel_in_a_header_and_bad_options_are_problems(db_url: str, db: Database,
                                                                        master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=2)
    async with db.write() as conn:
        await conn.execute(text("UPDATE cards SET state = 'ACTIVE' WHERE iccid = :i"), {"i": oem.iccids[0]})
    roles = await tokens(db_url, "regulator")
    async with app_client(db_url) as http:
        for fmt in ("json", "csv", "html"):
            got = await http.get(f"{PATH}?format={fmt}", headers=roles["regulator"])
            assert got.status == 200 and got.headers["X-Inspection-Violations"] == "1"
        doc = await (await http.get(PATH, headers=roles["regulator"])).json()
        assert doc["violations"][0]["sample_iccids"] == [oem.iccids[0]]
        wrong = await http.get(PATH + "?format=json&section=roster", headers=roles["regulator"])
        assert wrong.status == 422 and (await wrong.json())["code"] == "REPORT_OPTION_INVALID"
        unknown = await http.get(PATH + "?format=pdf", headers=roles["regulator"])
        assert unknown.status == 422 and (await unknown.json())["code"] == "SCHEMA_INVALID"
        spec = await (await http.get("/openapi.json")).json()
    operation = spec["paths"][PATH]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "InspectionReportOut")
