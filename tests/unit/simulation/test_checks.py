"""The simulator's self-check names every outcome that differs from the plan, and its
progress line suits both a terminal and a log."""

from __future__ import annotations

import datetime as dt
import io

from carrier_gateway.simulate.checks import unexpected_outcomes
from carrier_gateway.simulate.progress import Progress
from carrier_gateway.simulate.traffic import Accepted, Traffic
from provisioning.simulation.plan import PENDING, REFUSED, REJECTED, Params, build_plan


def _as_planned(plan):  # type: ignore[no-untyped-def]
    traffic, outcomes = Traffic(), {}
    changed = {(p.oem, p.card) for p in plan.pushes if p.kind == "OWNER_CHANGE" and p.expect == "VERIFIED"}
    for n, push in enumerate(plan.pushes):
        if push.expect == REFUSED:
            traffic.accepted[n] = Accepted(None, ["SCHEMA_INVALID"])
            continue
        traffic.accepted[n] = Accepted(f"r{n}")
        if push.expect == REJECTED:
            outcomes[f"r{n}"] = (REJECTED, [push.code])
        elif push.expect == PENDING:
            outcomes[f"r{n}"] = (PENDING, [])
        else:
            superseded = push.phase == 1 and (push.oem, push.card) in changed
            outcomes[f"r{n}"] = ("SUPERSEDED" if superseded else "VERIFIED", [])
    for n, probe in enumerate(plan.probes):
        traffic.answers[n] = (probe.allowed, probe.reason)
    return traffic, outcomes


def test_outcomes_as_planned_pass_and_each_difference_is_named_without_personal_data() -> None:
    plan = build_plan(Params(seed=3, oems=1, cards=40, today=dt.date(2026, 11, 20)))
    traffic, outcomes = _as_planned(plan)
    assert unexpected_outcomes(plan, traffic, outcomes) == []
    n = next(i for i, p in enumerate(plan.pushes) if p.expect == REJECTED)
    outcomes[f"r{n}"] = ("VERIFIED", [])
    probe = next(i for i, p in enumerate(plan.probes) if p.kind == "IMEI_SWAP")
    traffic.answers[probe] = (True, "ALLOWED")
    del traffic.accepted[len(plan.pushes) - 1]
    found = unexpected_outcomes(plan, traffic, outcomes)
    assert len(found) == 3
    assert any(f"({plan.pushes[n].kind}, " in line and f"expected REJECTED {plan.pushes[n].code}, got VERIFIED" in line
               for line in found)
    assert any("IMEI_SWAP" in line and "expected denied IMEI_MISMATCH" in line for line in found)
    assert any("got NOT SENT" in line for line in found)
    assert plan.pushes[n].record["subject"]["name"] not in "\n".join(found)


async def _figures() -> str:
    return "pushed 3"


async def test_progress_writes_lines_to_a_log_and_redraws_on_a_terminal() -> None:
    log = io.StringIO()
    progress = Progress(log, live=False)
    await progress.phase("setup", "2 OEMs")
    progress._source = _figures
    await progress.phase("sales")
    await progress.phase("network")
    progress.close()
    assert log.getvalue().splitlines() == ["[setup] 2 OEMs", "[setup] pushed 3", "[sales] pushed 3"]
    screen = io.StringIO()
    live = Progress(screen, live=True)
    live._source = _figures
    await live.refresh()
    await live.refresh()
    live.close()
    assert screen.getvalue() == "\r\x1b[2K[start] pushed 3" * 2 + "\n"
