"""Date and datetime filters read one way (provisioning.when): a date is a whole day in
China time, a naive datetime is China time, an offset is honoured; a value whose instant
falls outside years 1..9999 in UTC is a 422 naming the parameter, never a 500."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from yarl import URL

from carrier_gateway.db import Database
from provisioning.audit.trail import Event, record
from provisioning.privacy.keyring import Keyring
from provisioning.when import AsOf, Since, Until, after, as_of, parse, start
from tests.api.provisioning.helpers import tokens
from tests.support.http import app_client
from tests.support.sealed import run_cli
from tests.support.world import build_oem

LATE_MAY_1 = dt.datetime(2026, 5, 1, 15, 30, tzinfo=dt.UTC)  # 23:30 on 1 May in China
EARLY_MAY_2 = dt.datetime(2026, 5, 1, 16, 30, tzinfo=dt.UTC)  # 00:30 on 2 May in China


def test_a_date_is_a_whole_day_in_china_and_a_naive_time_is_china_time() -> None:
    assert start(parse("2026-05-02")) == dt.datetime(2026, 5, 1, 16, tzinfo=dt.UTC)
    assert after(parse("2026-05-01")) == dt.datetime(2026, 5, 1, 16, tzinfo=dt.UTC)
    assert as_of(parse("2026-05-01")) == dt.datetime(2026, 5, 1, 15, 59, 59, 999999, tzinfo=dt.UTC)
    naive, zulu = parse("2026-05-02T00:00:00"), parse("2026-05-01T16:00:00Z")
    assert start(naive) == start(zulu) == after(naive) == as_of(naive) == dt.datetime(2026, 5, 1, 16, tzinfo=dt.UTC)


@pytest.mark.parametrize(("text", "instant"), [
    ("0001-01-01T00:00:00+14:00", start), ("0001-01-01", start), ("0001-01-01T07:59:59", start),
    ("9999-12-31", after), ("9999-12-31", as_of), ("9999-12-31T23:59:59-10:00", start),
    ("2026-02-30", start), ("yesterday", start), ("2026-5-1", start)])
def test_values_outside_the_storable_range_or_malformed_are_value_errors(text: str, instant: Any) -> None:
    with pytest.raises(ValueError, match=r"out of range|is not a date"):
        instant(parse(text))


def test_the_pydantic_fields_convert_once_to_aware_utc() -> None:
    from pydantic import TypeAdapter

    assert TypeAdapter(Since).validate_python("2026-05-02") == dt.datetime(2026, 5, 1, 16, tzinfo=dt.UTC)
    assert TypeAdapter(Until).validate_python(dt.date(2026, 5, 1)) == dt.datetime(2026, 5, 1, 16, tzinfo=dt.UTC)
    assert TypeAdapter(AsOf).validate_python("9999-12-30").tzinfo == dt.UTC


async def _two_events(db: Database) -> None:
    for at, oid in ((LATE_MAY_1, "late-may-1"), (EARLY_MAY_2, "early-may-2")):
        async with db.write() as conn:
            await record(conn, Event("ops:9", "enterprise.updated", "enterprise", oid, 1, {}), at=at)


async def test_audit_from_and_to_take_dates_naive_and_offset_times(db: Database, db_url: str) -> None:
    await _two_events(db)
    h = (await tokens(db_url, "auditor"))["auditor"]
    cases = {"from=2026-05-02": ["early-may-2"], "to=2026-05-01": ["late-may-1"],
             "from=2026-05-01&to=2026-05-01": ["late-may-1"], "from=2026-05-02T00:00:00": ["early-may-2"],
             "from=2026-05-01T16:00:00Z": ["early-may-2"], "to=2026-05-02T00:00:00%2B08:00": ["late-may-1"],
             "from=2026-01-01": ["late-may-1", "early-may-2"]}
    async with app_client(db_url) as http:
        for filters, expected in cases.items():
            resp = await http.get(URL(f"/ops/v1/audit?object_type=enterprise&{filters}", encoded=True), headers=h)
            assert resp.status == 200, (filters, await resp.text())
            assert [e["object_id"] for e in (await resp.json())["items"]] == expected, filters


async def test_dates_out_of_range_are_422_naming_the_parameter(db: Database, db_url: str,
                                                              master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=1)
    h = await tokens(db_url, "auditor", "regulator")
    people = f"/ops/v1/enterprises/{oem.enterprise_id}/persons"
    cases = [("/ops/v1/audit?from=0001-01-01T00:00:00%2B14:00", "auditor", "from"),
             ("/ops/v1/audit?from=0001-01-01", "auditor", "from"), ("/ops/v1/audit?to=9999-12-31", "auditor", "to"),
             ("/ops/v1/audit?to=tomorrow", "auditor", "to"),
             ("/ops/v1/audit/export?to=9999-12-31T23:00:00-10:00", "regulator", "to"),
             ("/ops/v1/roster?on=9999-12-31", "regulator", "on"), (f"{people}?on=9999-12-31", "regulator", "on"),
             (f"{people}/unmasked?on=9999-12-31&purpose=complaint%20118", "auditor", "on")]
    async with app_client(db_url) as http:
        for path, role, field in cases:
            resp = await http.get(URL(path, encoded=True), headers=h[role])
            problem = await resp.json()
            assert resp.status == 422 and problem["code"] == "SCHEMA_INVALID", (path, problem)
            assert [e["field"] for e in problem["errors"]] == [field], path
        for path in ("/ops/v1/roster?on=9999-12-30", "/ops/v1/roster?on=2026-01-01T08:00:00"):
            assert (await http.get(path, headers=h["regulator"])).status == 200, path
        roster = await (await http.get("/ops/v1/roster?on=2026-05-01", headers=h["regulator"])).json()
    assert roster["on"] == "2026-05-01T15:59:59.999999+00:00"


async def test_the_cli_reads_dates_as_the_api_does(db: Database, db_url: str) -> None:
    await _two_events(db)
    res = await run_cli("audit", "export", "--from", "2026-05-02", "--to", "2026-05-02", "--database-url", db_url)
    assert res.code == 0, res.err
    assert "early-may-2" in res.out and "late-may-1" not in res.out
    for args in (["audit", "export", "--to", "9999-12-31"], ["enterprise", "roster", "--on", "9999-12-31"],
                 ["audit", "export", "--from", "0001-01-01T00:00:00+14:00"]):
        bad = await run_cli(*args, "--database-url", db_url)
        assert bad.code == 2 and f"Invalid value for '{args[2]}'" in bad.err and "out of range" in bad.err, bad.err
        assert "Traceback" not in bad.err
