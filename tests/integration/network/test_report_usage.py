"""Accounted data per enterprise in the inspection report: its figures and its chart."""

from __future__ import annotations

import datetime as dt

from carrier_gateway.db import Database
from provisioning.network import accounting
from provisioning.privacy.keyring import Keyring
from provisioning.reports.html_page import html_page
from provisioning.reports.inspection import gather
from tests.integration.network.kit import cards_in


async def test_the_report_sums_each_enterprises_sessions_and_draws_them(db: Database, master_key: Keyring) -> None:
    one, two = (await cards_in(db, "ACTIVE", "ACTIVE", n=1)), (await cards_in(db, "ACTIVE", n=2))
    reports = [(one[0], "a", 100, 50, "Stop"), (one[1], "b", 2**32, 10, "Interim-Update"), (two[0], "c", 7, 3, "Stop")]
    async with db.write() as conn:
        for card, session, up, down, status in reports:
            await accounting.record(conn, accounting.Report("Start", 1, session, iccid=card.iccid))
            await accounting.record(conn, accounting.Report(status, 1, session, iccid=card.iccid, input_octets=up,
                                                            output_octets=down))
    async with db.read() as conn:
        report = await gather(conn, master_key, deadline=dt.date(2022, 9, 30), database="test")
    doc = report.to_dict()
    by_id = {e["enterprise_id"]: e["data_usage"] for e in doc["enterprises"]}
    assert by_id[one[0].enterprise_id] == {"sessions": 2, "open_sessions": 1, "input_octets": 2**32 + 100,
                                           "output_octets": 60, "mb": round((2**32 + 160) / 2**20, 3)}
    assert by_id[two[0].enterprise_id]["input_octets"] == 7
    assert doc["totals"]["data_usage"]["sessions"] == 3 and doc["totals"]["data_usage"]["output_octets"] == 63
    page = html_page(report)
    chart = page[page.index("Data accounted per enterprise"):]
    assert chart.count('<rect x="220"') >= 2  # a bar (its background) per enterprise with sessions
    assert "4,096.0 MB, 2 sessions" in chart
