"""OEM and network traffic over HTTP with the package's clients: single pushes (with an
Idempotency-Key, one of them replayed), batches, JSON Lines back-registration jobs, ops
preparing cards, and the simulated core network asking to authorise: data through a packet
gateway's RADIUS Access-Requests and accounting, SMS and voice through the HTTP endpoint.

Each OEM runs its own traffic concurrently with the others; within one OEM, single
pushes run ``concurrency`` at a time beside its batches and its job.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import aiohttp

from carrier_gateway.client import ApiError, OemClient, OpsClient
from carrier_gateway.radius.client import Gateway, imeisv_of
from carrier_gateway.simulate.provision import POOL_APN, OemWorld, World
from provisioning.simulation.plan import BATCH, JOB, SINGLE, Plan, Push

T = TypeVar("T")
#: how often a request the rate limiter turned away (429) is tried again
RATE_LIMIT_TRIES = 50
#: octets (in, out) each simulated data session reports when it stops
SESSION_OCTETS = (3 * 2**20, 2**20)


@dataclasses.dataclass
class Accepted:
    """What the API answered for one push."""

    registration_id: str | None
    #: refused before storing (422, or a REJECTED batch/job line), with its error codes
    refused_codes: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Traffic:
    #: by position in plan.pushes
    accepted: dict[int, Accepted] = dataclasses.field(default_factory=dict)
    requests: Counter[str] = dataclasses.field(default_factory=Counter)
    replays: int = 0
    replays_matched: int = 0
    #: by position in plan.probes: (allowed, reason)
    answers: dict[int, tuple[bool, str]] = dataclasses.field(default_factory=dict)
    #: data probes asked over RADIUS (Access-Requests): answers by reason code
    radius: Counter[str] = dataclasses.field(default_factory=Counter)
    jobs: list[str] = dataclasses.field(default_factory=list)

    @property
    def pushed(self) -> int:
        return sum(1 for a in self.accepted.values() if a.registration_id)


async def _patient(call: Callable[[], Awaitable[T]]) -> T:
    """The call, tried again while the per-enterprise rate limit answers 429."""
    for attempt in range(RATE_LIMIT_TRIES):
        try:
            return await call()
        except ApiError as exc:
            if exc.status != 429 or attempt == RATE_LIMIT_TRIES - 1:
                raise
            await asyncio.sleep(min(0.05 * (attempt + 1), 1.0))
    raise AssertionError("unreachable")


def record_for(oem: OemWorld, push: Push) -> dict[str, Any]:
    record = dict(push.record)
    if not push.names_card:
        if push.by_msisdn:
            record["msisdn"] = oem.msisdns[push.card]
        else:
            record["iccid"] = oem.iccids[push.card]
    return record


@dataclasses.dataclass
class Driver:
    plan: Plan
    world: World
    base_url: str
    session: aiohttp.ClientSession
    traffic: Traffic
    concurrency: int = 8
    batch_size: int = 100
    #: the packet gateway: data probes attach through RADIUS (the rest ask the HTTP endpoint)
    gateway: Gateway | None = None

    def oem_client(self, oem: OemWorld) -> OemClient:
        return OemClient(self.base_url, oem.key_id, oem.secret, session=self.session)

    def ops_client(self) -> OpsClient:
        return OpsClient(self.base_url, self.world.ops_token, session=self.session)

    # -- ops -----------------------------------------------------------------------------
    async def prepare(self) -> None:
        """Ops: move the factory-test cards to TEST; flag the cards owed a back-registration."""
        ops = self.ops_client()
        for oem in self.world.oems:
            for card in oem.plan.test_cards:
                await ops.post(f"/ops/v1/cards/{oem.iccids[card]}/transitions",
                               {"to": "TEST", "reason": "end-of-line factory test"})
            if oem.plan.flagged:
                await ops.post("/ops/v1/backfill", {"enterprise_id": oem.enterprise_id,
                                                    "iccids": [oem.iccids[c] for c in oem.plan.flagged]})

    # -- pushes --------------------------------------------------------------------------
    async def push_phase(self, phase: int) -> None:
        pushes = [(n, p) for n, p in enumerate(self.plan.pushes) if p.phase == phase]
        await asyncio.gather(*(self._oem_pushes(oem, [(n, p) for n, p in pushes if p.oem == oem.plan.index])
                               for oem in self.world.oems))

    async def _oem_pushes(self, oem: OemWorld, pushes: list[tuple[int, Push]]) -> None:
        client, gate = self.oem_client(oem), asyncio.Semaphore(self.concurrency)
        singles = [self._single(client, oem, n, p, gate) for n, p in pushes if p.channel == SINGLE]
        batched = [(n, p) for n, p in pushes if p.channel == BATCH]
        lines = [(n, p) for n, p in pushes if p.channel == JOB]
        await asyncio.gather(*singles, self._batches(client, oem, batched), self._job(client, oem, lines))

    async def _single(self, client: OemClient, oem: OemWorld, n: int, push: Push, gate: asyncio.Semaphore) -> None:
        record = record_for(oem, push)
        key = f"sim-{self.plan.params.seed}-{oem.plan.index}-{push.card}-{push.phase}"
        async with gate:
            self.traffic.requests[SINGLE] += 1
            try:
                answer = await _patient(lambda: client.push(record, idempotency_key=key))
            except ApiError as exc:
                if exc.status != 422:
                    raise
                self.traffic.accepted[n] = Accepted(None, [str(exc.code)])
                return
            self.traffic.accepted[n] = Accepted(answer["registration_id"])
            if push.replay:
                again = await _patient(lambda: client.push(record, idempotency_key=key))
                self.traffic.replays += 1
                self.traffic.replays_matched += again["registration_id"] == answer["registration_id"]

    async def _batches(self, client: OemClient, oem: OemWorld, pushes: list[tuple[int, Push]]) -> None:
        for start in range(0, len(pushes), self.batch_size):
            part = pushes[start:start + self.batch_size]
            records = [record_for(oem, p) for _, p in part]
            self.traffic.requests[BATCH] += 1
            answer = await _patient(lambda records=records: client.push_batch(records))
            for (n, _), result in zip(part, answer["results"], strict=True):
                self.traffic.accepted[n] = Accepted(result["registration_id"],
                                                    [e["code"] for e in result.get("errors") or []])

    async def _job(self, client: OemClient, oem: OemWorld, pushes: list[tuple[int, Push]]) -> None:
        if not pushes:
            return
        self.traffic.requests[JOB] += 1
        job = await _patient(lambda: client.upload_job([record_for(oem, p) for _, p in pushes]))
        self.traffic.jobs.append(job["job_id"])
        await client.wait_for_job(job["job_id"], until=("VERIFYING", "COMPLETED"), interval=0.1)
        results = await client.job_results(job["job_id"])
        for (n, _), line in zip(pushes, results, strict=True):
            self.traffic.accepted[n] = Accepted(line["registration_id"],
                                                [e["code"] for e in line.get("errors") or []])

    # -- the network ---------------------------------------------------------------------
    async def probe_phase(self) -> None:
        await asyncio.gather(*(self._oem_probes(oem) for oem in self.world.oems))

    async def _oem_probes(self, oem: OemWorld) -> None:
        """A card's questions in order (an attach binds before a swap suspends); cards
        ``concurrency`` at a time."""
        ops, gate = self.ops_client(), asyncio.Semaphore(self.concurrency)
        by_card: dict[int, list[int]] = {}
        for n, probe in enumerate(self.plan.probes):
            if probe.oem == oem.plan.index:
                by_card.setdefault(probe.card, []).append(n)

        async def card_probes(numbers: list[int]) -> None:
            async with gate:
                for n in numbers:
                    probe = self.plan.probes[n]
                    if probe.service == "data" and self.gateway is not None:
                        await self._attach(oem, n)
                        continue
                    payload: dict[str, Any] = {"iccid": oem.iccids[probe.card], "service": probe.service,
                                               "destination": probe.destination}
                    if probe.imei:
                        payload["imei"] = probe.imei
                    answer = await ops.post("/v1/network/authorize", payload)
                    self.traffic.answers[n] = (answer["allowed"], answer["reason"])

        await asyncio.gather(*(card_probes(numbers) for numbers in by_card.values()))

    async def _attach(self, oem: OemWorld, n: int) -> None:
        """A data probe as a packet gateway asks it: an Access-Request, and for an Accept a
        short accounted session (Start, Stop with its octets)."""
        assert self.gateway is not None
        probe = self.plan.probes[n]
        answer = await self.gateway.attach(apn=POOL_APN, imsi=oem.imsis[probe.card],
                                           imeisv=imeisv_of(probe.imei) if probe.imei else None)
        self.traffic.answers[n] = (answer.accepted, answer.reason)
        self.traffic.radius[answer.reason] += 1
        if answer.accepted:
            session = f"sim-{self.plan.params.seed}-{oem.plan.index}-{n}"
            await self.gateway.account("Start", session, klass=answer.klass, framed_ip=answer.framed_ip)
            await self.gateway.account("Stop", session, klass=answer.klass, framed_ip=answer.framed_ip,
                                       input_octets=SESSION_OCTETS[0], output_octets=SESSION_OCTETS[1])
