"""The inspection report's figures equal what the database holds, on both backends."""

from __future__ import annotations

import json
from typing import Any

from carrier_gateway.api.report_models import InspectionReportOut
from carrier_gateway.db import Database, describe, normalize_url
from carrier_gateway.settings import Settings
from provisioning.privacy.keyring import Keyring
from provisioning.reports.inspect import inspect
from tests.integration.reports.conftest import cli
from tests.integration.reports.scenario import World
from tests.integration.reports.truth import enterprise_truth


def _section(doc: dict[str, Any], enterprise_id: int) -> dict[str, Any]:
    return next(e for e in doc["enterprises"] if e["enterprise_id"] == enterprise_id)


async def test_every_count_equals_an_independent_count(db: Database, db_url: str, world: World,
                                                       master_key: Keyring) -> None:
    report = await inspect(db.snapshot, master_key, deadline=Settings.load(environ={}, database_url=db_url)
                           .policy().backfill_deadline, database="test")
    doc = json.loads(json.dumps(report.to_dict()))
    InspectionReportOut.model_validate(doc)  # the published schema describes the document
    assert [e["enterprise_id"] for e in doc["enterprises"]] == [world.a.enterprise_id, world.b.enterprise_id,
                                                              world.agent_id]
    for section in doc["enterprises"]:
        truth = await enterprise_truth(db, section["enterprise_id"])
        assert section["cards"]["issued"] == truth["issued"]
        assert {s: n for s, n in section["cards"]["by_state"].items() if n} == truth["states"]
        assert section["funnel"] == {"issued": truth["issued"], "sold": truth["sold"],
                                     "verified": truth["verified_cards"],
                                     "active": truth["states"].get("ACTIVE", 0)}
        regs = section["registrations"]
        assert {k.upper(): v for k, v in regs.items() if k not in ("total", "rejected_by_reason") and v} \
            == truth["statuses"]
        assert regs["total"] == sum(truth["statuses"].values())
        assert regs["rejected_by_reason"] == truth["reasons"]
        assert section["active_without_verified_registration"] == {"count": 0, "sample_iccids": []}
        assert truth["active_unverified"] == []
        numbers = truth["numbers"]
        assert {k: section["numbers"][k] for k in ("allocated", "assigned", "free", "quarantined")} == \
            {k: numbers[k] for k in ("allocated", "assigned", "free", "quarantined")}
        assert section["ip"]["usable"] == str(truth["ip_usable"]) and section["ip"]["assigned"] == truth["ip_assigned"]
        assert section["ip"]["prefixes"] == truth["prefixes"]
    a = _section(doc, world.a.enterprise_id)
    # what the scenario did, spelled out: a wrong query cannot agree with both
    assert a["cards"]["by_state"] == {"INVENTORY": 4, "TEST": 0, "PENDING": 5, "ACTIVE": 4, "SUSPENDED": 1,
                                      "TERMINATED": 1}
    assert a["funnel"] == {"issued": 15, "sold": 10, "verified": 5, "active": 4}
    assert a["registrations"] == {"total": 12, "verified": 5, "rejected": 5, "pending": 1, "superseded": 1,
                                  "rejected_by_reason": {"CARD_NOT_FOUND": 1, "IDENTITY_MISMATCH": 1,
                                                         "ID_EXPIRED": 2, "VIN_INVALID": 2}}
    assert a["backfill"] == {"flagged": 2, "done": 1, "done_late": 1, "pending": 0, "rejected": 0,
                             "outstanding": 1, "overdue": 1, "terminated": 0}  # verified after 2022-09-30
    assert (a["numbers"]["assigned"], a["numbers"]["quarantined"]) == (14, 1)
    assert (a["ip"]["usable"], a["ip"]["assigned"], a["ip"]["prefixes"]) == ("14", 3, ["10.64.0.0/28"])
    agent = _section(doc, world.agent_id)
    assert agent["kind"] == "AGENT" and agent["authorized_by"]["enterprise_id"] == world.a.enterprise_id
    assert agent["cards"]["by_state"]["INVENTORY"] == 2
    totals = doc["totals"]
    assert totals["cards"]["issued"] == 15 + 3 + 2 and totals["registrations"]["verified"] == 5 + 1
    assert doc["violations"] == []
    codes = sorted((w["code"], w["enterprise_id"]) for w in doc["warnings"])
    assert codes == sorted([("BACKFILL_OVERDUE", world.a.enterprise_id),
                            ("RESPONSIBLE_PERSON_MISSING", world.b.enterprise_id),
                            ("RESPONSIBLE_PERSON_MISSING", world.agent_id)])


async def test_roster_is_masked_with_since_and_last_change(db: Database, db_url: str, world: World) -> None:
    got = await cli(db_url, "--json")
    assert got.code == 0, got.err
    doc = got.json()
    roster = _section(doc, world.a.enterprise_id)["roster"]
    roles = {r["role"]: r for r in roster["roles"]}
    assert roles["PURCHASE"]["name"] == "王**" and roles["REAL_NAME"]["name"] == "赵*"  # the later appointee
    assert roles["REAL_NAME"]["phone"] == "135****5000"
    assert roles["REAL_NAME"]["id_number"].count("*") == 8
    assert roster["last_changed_at"] == roles["REAL_NAME"]["since"]
    assert roles["PURCHASE"]["since"] < roles["REAL_NAME"]["since"]
    vacant = {r["role"]: r["serving"] for r in _section(doc, world.b.enterprise_id)["roster"]["roles"]}
    assert vacant == {"PURCHASE": False, "REAL_NAME": True}
    assert doc["meta"]["backfill_deadline"] == "2022-09-30" and doc["meta"]["carrier"]["key"] == "china-mobile"
    assert doc["meta"]["database"] == describe(normalize_url(db_url))
    for clear in world.personal:
        assert clear not in got.out


async def test_the_database_is_named_without_its_password(db_url: str, backend: str) -> None:
    url = normalize_url(db_url)
    if backend == "postgresql":  # trust authentication ignores the password: the URL still carries one
        url = url.set(password="s3cret-pw")
    got = await cli(url.render_as_string(hide_password=False))
    assert got.code == 0, got.err
    assert got.json()["meta"]["database"] == describe(url) and "s3cret-pw" not in got.out
    if backend == "postgresql":
        assert "***" in got.json()["meta"]["database"]
