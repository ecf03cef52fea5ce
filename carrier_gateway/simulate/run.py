"""One simulation, end to end: plan, schema, service, carrier set-up, three phases of
traffic, waiting for the background work, and the summary (from the database, checked
against what the plan says must have happened)."""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from typing import Any

import aiohttp

from carrier_gateway.db import Database, describe
from carrier_gateway.migrate import schema_state, upgrade
from carrier_gateway.radius.client import Gateway
from carrier_gateway.radius.context import RADIUS
from carrier_gateway.settings import Settings
from carrier_gateway.simulate.checks import COMPARED, differences, unexpected_outcomes
from carrier_gateway.simulate.figures import database_figures, registration_outcomes
from carrier_gateway.simulate.harness import HOST, Harness, serving
from carrier_gateway.simulate.progress import Progress, deliver, settle
from carrier_gateway.simulate.provision import World, check_empty, provision
from carrier_gateway.simulate.receiver import EVENTS, WebhookReceiver
from carrier_gateway.simulate.traffic import Driver, Traffic
from provisioning.simulation.expect import expected
from provisioning.simulation.plan import PENDING, Params, Plan, build_plan


@dataclasses.dataclass(frozen=True)
class Options:
    params: Params
    settings: Settings
    port: int = 0
    concurrency: int = 8
    batch_size: int = 100
    #: seconds to wait for each phase's verification and for webhook delivery
    timeout: float = 120.0


async def prepare_database(url: str) -> None:
    """Refuse a database that holds data (before touching its schema), then migrate it."""
    db = Database(url)
    try:
        if (await schema_state(db)).current:
            await check_empty(db)
        await upgrade(db)
    finally:
        await db.dispose()


def _targets(plan: Plan, traffic: Traffic, phase: int) -> tuple[int, int]:
    """Registrations that must exist, and how many may stay PENDING, once ``phase`` is decided."""
    ids, pending = set(), 0
    for n, push in enumerate(plan.pushes):
        accepted = traffic.accepted.get(n)
        if push.phase <= phase and accepted is not None and accepted.registration_id:
            if accepted.registration_id not in ids and push.expect == PENDING:
                pending += 1
            ids.add(accepted.registration_id)
    return len(ids), pending


async def _traffic(h: Harness, plan: Plan, world: World, options: Options, progress: Progress,
                   traffic: Traffic, receiver: WebhookReceiver) -> dict[str, Any]:
    timing: dict[str, Any] = {"settled": False}
    await progress.phase("ops", "cards to factory test, back-registration flags")
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session, \
            progress.following(h.db, lambda: f"webhooks {receiver.tally.received}"):
        radius = h.app[RADIUS]
        await radius.refresh_clients()  # the simulated gateway was just added
        gateway = Gateway(HOST, radius.ports["auth"], radius.ports["acct"], world.radius_secret)
        driver = Driver(plan, world, h.base_url, session, traffic, options.concurrency, options.batch_size)
        await driver.prepare()
        await progress.phase("sales", "single pushes, batches and back-registration jobs")
        started = time.monotonic()
        await driver.push_phase(1)
        stored, pending = _targets(plan, traffic, 1)
        if not await settle(h, stored=stored, pending=pending, timeout=options.timeout):
            return timing
        timing["sales_seconds"] = time.monotonic() - started
        timing["sales_registrations"] = stored
        await progress.phase("follow-ups", "owner changes, a VIN already bound, a document over its card cap")
        await driver.push_phase(2)
        stored, pending = _targets(plan, traffic, 2)
        if not await settle(h, stored=stored, pending=pending, timeout=options.timeout):
            return timing
        await progress.phase("network", "attaches bind IMEIs, swapped IMEIs suspend cards")
        async with gateway:
            driver.gateway = gateway
            await driver.probe_phase()
        await progress.phase("webhooks", "waiting for the outbox to deliver every event")
        timing["settled"] = await deliver(h, timeout=options.timeout)
    return timing


async def simulate(options: Options, progress: Progress) -> dict[str, Any]:
    began = time.monotonic()
    plan = build_plan(options.params)
    await progress.phase("schema", describe(options.settings.database_url))
    await prepare_database(options.settings.database_url)
    receiver, traffic = WebhookReceiver(), Traffic()
    # the RADIUS server on free ports (unless the settings name some): data attaches go through it
    settings = dataclasses.replace(options.settings, radius_auth_port=options.settings.radius_auth_port or 0,
                                   radius_acct_port=options.settings.radius_acct_port or 0)
    async with serving(settings, receiver, port=options.port) as h:
        await progress.phase("setup", f"{len(plan.oems)} OEMs, {plan.params.cards} cards each")
        world = await provision(h.db, h.keyring, plan, h.hooks_url)
        for oem in world.oems:
            receiver.trust(oem.plan.index, oem.key_id, oem.secret)
        timing = await _traffic(h, plan, world, options, progress, traffic, receiver)
        figures = await database_figures(h.db, deadline=options.settings.policy().backfill_deadline)
        ids = [a.registration_id for a in traffic.accepted.values() if a.registration_id]
        outcomes = await registration_outcomes(h.db, ids)
    progress.close()
    return _summary(plan, options, traffic, receiver, figures, outcomes, timing, time.monotonic() - began)


def _summary(plan: Plan, options: Options, traffic: Traffic, receiver: WebhookReceiver, figures: dict[str, Any],
             outcomes: dict[str, tuple[str, list[str]]], timing: dict[str, Any], elapsed: float) -> dict[str, Any]:
    want = expected(plan)
    network = dict(sorted(Counter(reason for _, reason in traffic.answers.values()).items()))
    tally = receiver.tally
    webhooks = {"received": tally.received, "by_event": dict(sorted(tally.by_event.items())),
                "repeats": tally.repeats, "refused": sum(tally.refused.values()), "outbox": figures.pop("outbox")}
    actual = {**figures, "refused": sum(1 for a in traffic.accepted.values() if not a.registration_id),
              "network": network, "webhooks": {event: tally.by_event[event] for event in EVENTS}}
    diffs = differences(want, actual, (*COMPARED, "refused", "network", "webhooks"))
    flag_diff = {k: v for k, v in want["backfill"].items() if figures["backfill"].get(k) != v}
    if flag_diff:
        diffs["backfill"] = {"expected": want["backfill"], "actual": figures["backfill"]}
    unexpected = unexpected_outcomes(plan, traffic, outcomes)
    rate = timing.get("sales_registrations", 0) / timing["sales_seconds"] if timing.get("sales_seconds") else None
    return {
        "seed": plan.params.seed, "fingerprint": plan.fingerprint(),
        "database_url": describe(options.settings.database_url),
        **{k: figures[k] for k in ("oems", "cards", "cards_by_state", "registrations")},
        "active": figures["cards_by_state"]["ACTIVE"], "suspended": figures["cards_by_state"]["SUSPENDED"],
        "refused": actual["refused"],
        "rejected_by_reason": figures["rejected_by_reason"],
        "requests": dict(sorted(traffic.requests.items())),
        "replays": {"sent": traffic.replays, "same_registration": traffic.replays_matched},
        "owner_changes": sum(p.kind == "OWNER_CHANGE" for p in plan.pushes),
        "imei_swaps": sum(p.kind == "IMEI_SWAP" for p in plan.probes),
        "network": network,
        "radius": {"accepts": traffic.radius["ALLOWED"],
                   "rejects_by_reason": {r: n for r, n in sorted(traffic.radius.items()) if r != "ALLOWED"}},
        "backfill": figures["backfill"],
        "webhooks": webhooks,
        "per_enterprise": figures["per_enterprise"],
        "throughput": {"registrations_per_second": round(rate, 1) if rate else None,
                       "sales_registrations": timing.get("sales_registrations"),
                       "sales_seconds": round(timing["sales_seconds"], 3) if "sales_seconds" in timing else None},
        "elapsed_seconds": round(elapsed, 3),
        "checks": {"settled": timing["settled"], "as_planned": not unexpected and not diffs,
                   "unexpected": unexpected[:50], "unexpected_count": len(unexpected), "differences": diffs},
    }
