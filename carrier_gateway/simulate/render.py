"""The simulation summary as text tables (the CLI prints this without --json)."""

from __future__ import annotations

from typing import Any

from carrier_gateway.commands.base import table


def _rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    regs, states, hooks = summary["registrations"], summary["cards_by_state"], summary["webhooks"]
    throughput = summary["throughput"]
    rows = [("OEMs", summary["oems"]), ("cards", summary["cards"]),
            *((f"  {state.lower()}", n) for state, n in states.items()),
            ("registrations pushed (stored)", regs["pushed"]), ("  verified", regs["verified"]),
            ("  superseded (verified, then replaced by an owner change)", regs["superseded"]),
            ("  rejected", regs["rejected"]), ("  pending (identity authority unavailable)", regs["pending"]),
            ("records refused at the door (not stored)", summary["refused"]),
            ("requests: single / batch / job", " / ".join(str(summary["requests"].get(k, 0))
                                                        for k in ("SINGLE", "BATCH", "JOB"))),
            ("idempotent replays answered with the first registration",
             f"{summary['replays']['same_registration']} of {summary['replays']['sent']}"),
            ("owner changes pushed", summary["owner_changes"]), ("IMEI swaps on the network", summary["imei_swaps"]),
            *((f"network answers {reason}", n) for reason, n in summary["network"].items()),
            ("  data attaches over RADIUS: Access-Accepts", summary["radius"]["accepts"]),
            *((f"  Access-Rejects {reason}", n) for reason, n in summary["radius"]["rejects_by_reason"].items()),
            ("back-registration flagged / done / outstanding",
             " / ".join(str(summary["backfill"][k]) for k in ("flagged", "done", "outstanding"))),
            ("webhooks received (signature checked)", hooks["received"]),
            *((f"  {event}", n) for event, n in hooks["by_event"].items()),
            ("  refused by the receiver", hooks["refused"]),
            *((f"outbox {status.lower()}", n) for status, n in hooks["outbox"].items()),
            ("throughput, registrations/s end to end", throughput["registrations_per_second"]),
            ("elapsed, s", summary["elapsed_seconds"])]
    return [{"what": what, "count": count} for what, count in rows]


#: the name last: wide (CJK) characters cannot push the figures out of their columns
ENTERPRISE_COLUMNS = [("enterprise_id", "ID"), ("cards", "CARDS"), ("INVENTORY", "INVENTORY"), ("TEST", "TEST"),
                      ("PENDING", "PENDING"), ("ACTIVE", "ACTIVE"), ("SUSPENDED", "SUSPENDED"),
                      ("pushed", "PUSHED"), ("verified", "VERIFIED"), ("superseded", "SUPERSEDED"),
                      ("rejected", "REJECTED"), ("pending", "PENDING REG."), ("name", "ENTERPRISE")]


def _enterprise(entry: dict[str, Any]) -> dict[str, Any]:
    return {"enterprise_id": entry["enterprise_id"], "name": entry["name"], "cards": entry["cards"],
            **entry["cards_by_state"], **entry["registrations"]}


def render(summary: dict[str, Any], inspect_hint: str) -> str:
    checks = summary["checks"]
    parts = [f"simulation seed {summary['seed']} (scenario {summary['fingerprint']}) on {summary['database_url']}",
             "", table(_rows(summary), [("what", "WHAT"), ("count", "COUNT")]), "",
             table([{"code": c, "n": n} for c, n in summary["rejected_by_reason"].items()],
                   [("code", "REJECTED BY REASON"), ("n", "REGISTRATIONS")]), "",
             table([_enterprise(e) for e in summary["per_enterprise"]], ENTERPRISE_COLUMNS), ""]
    if checks["as_planned"] and checks["settled"]:
        parts.append("every push, network answer and figure is as the scenario says it must be")
    else:
        if not checks["settled"]:
            parts.append("NOT SETTLED: the service did not finish its background work within the timeout")
        parts += [f"UNEXPECTED: {line}" for line in checks["unexpected"]]
        parts += [f"DIFFERENT: {key}: expected {d['expected']}, got {d['actual']}"
                  for key, d in checks["differences"].items()]
    parts.append(f"inspect it: {inspect_hint}")
    return "\n".join(parts)
