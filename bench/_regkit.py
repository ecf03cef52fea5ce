"""Helpers of bench/registrations.py: the data (an OEM with cards, valid records), the
bare aiohttp baseline server, latency bookkeeping and the machine description."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import random
import sqlite3
from typing import Any

import orjson
from aiohttp import web
from sqlalchemy import select

from carrier_gateway.db import Database
from carrier_gateway.migrate import upgrade
from carrier_gateway.settings import Settings
from numbering.identifiers import profile
from numbering.msisdn import segments
from provisioning.cards.issuance import MAX_CHUNK, MIN_CHUNK, issue_cards
from provisioning.cards.tables import cards
from provisioning.documents import fake, fake_names
from provisioning.enterprises.credentials import create_key
from provisioning.enterprises.destinations import add_destination
from provisioning.enterprises.registry import add_enterprise
from provisioning.privacy.keyring import Keyring

FIRST_MSISDN = 1440000000000
ACTOR = "bench"
SINK_PATH = "/carrier-events"


async def prepare(url: str, keyring: Keyring, count: int, callback_url: str | None = None
                  ) -> tuple[str, str, list[str]]:
    """A migrated database with one OEM, its API key and ``count`` fresh cards; with a
    callback URL every decision also writes a webhook event that the server delivers."""
    db = Database(url)
    try:
        await upgrade(db)
        async with db.write() as conn:
            await profile.set_profile(conn, "china-mobile")
            ent = await add_enterprise(conn, name="基准汽车有限公司", uscc=fake.uscc(random.Random(0)), actor=ACTOR,
                                       callback_url=callback_url)
            key = await create_key(conn, keyring, ent.id, actor=ACTOR)
            await add_destination(conn, ent.id, "PLATFORM_PREFIX", "10.20.0.0/16", actor=ACTOR)
            await segments.add_segment(conn, FIRST_MSISDN, FIRST_MSISDN + count - 1, label="bench")
            await segments.allocate_block(conn, ent.id, count)
        chunk = min(max(count, MIN_CHUNK), MAX_CHUNK)
        await issue_cards(db.write, ent.id, count, "TBOX", actor=ACTOR, chunk_size=chunk)
        async with db.read() as conn:
            iccids = list((await conn.execute(select(cards.c.iccid).where(cards.c.enterprise_id == ent.id)
                                              .order_by(cards.c.iccid))).scalars())
    finally:
        await db.dispose()
    return key.key_id, key.secret, iccids


def records(iccids: list[str], *, seed: int) -> list[dict[str, Any]]:
    """One valid AT_SALE record per card: distinct holders, VINs and IMEIs."""
    rng = random.Random(seed)
    sold = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    out = []
    for iccid in iccids:
        out.append({
            "iccid": iccid, "stage": "AT_SALE", "vin": fake.vin(rng), "imei": fake.imei(rng), "sold_at": sold,
            "subject": {"type": "INDIVIDUAL", "name": fake_names.chinese_name(rng, minority_share=0.05),
                        "id_type": "RESIDENT_ID", "id_number": fake.resident_id(rng), "id_expires": "2040-01-01",
                        "address": "北京市朝阳区某路1号", "phone": "13800138000"},
            "oem_verification": {"method": "ID_CARD_READER", "verified_at": "2026-11-20T10:00:00+08:00"},
        })
    return out


def event_loop() -> str:
    """The event loop `carrier serve` runs on with this environment (CARRIER_EVENT_LOOP)."""
    return Settings.load().event_loop


def serve_baseline(port: int) -> None:
    """The baseline: parse the JSON body, answer 202 with a small JSON document (and a
    webhook receiver answering 204)."""

    async def accept(request: web.Request) -> web.Response:
        orjson.loads(await request.read())
        return web.Response(body=b'{"status":"PENDING"}', status=202, content_type="application/json")

    async def sink(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(status=204)

    async def health(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application(client_max_size=4 * 1024 * 1024)
    app.router.add_post("/v1/registrations", accept)
    app.router.add_post("/v1/registrations/batch", accept)
    app.router.add_post(SINK_PATH, sink)  # webhook receiver for --webhooks
    app.router.add_get("/healthz", health)
    # on the event loop `carrier serve` runs on: like against like
    loop = None
    if event_loop() == "uvloop":
        import uvloop
        loop = uvloop.new_event_loop()
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None, loop=loop)


@dataclasses.dataclass
class Load:
    latencies: list[float] = dataclasses.field(default_factory=list)
    statuses: dict[int, int] = dataclasses.field(default_factory=dict)
    start: float = 0.0
    end: float = 0.0
    #: CPU seconds the server used for this load (accepting and verifying it)
    cpu: float = 0.0
    #: over the same time: the whole machine's busy and elapsed CPU seconds (every core),
    #: and the CPU seconds of the load generator (this process, its signing included)
    machine_busy: float = 0.0
    machine_all: float = 0.0
    client_cpu: float = 0.0

    def share(self, cpu_seconds: float) -> float:
        """``cpu_seconds`` as a percentage of what every core of the machine could give
        over this load's measured time."""
        return 100 * cpu_seconds / self.machine_all if self.machine_all else float("nan")

    def add(self, status: int, seconds: float) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1
        self.latencies.append(seconds)

    @property
    def errors(self) -> int:
        return sum(n for s, n in self.statuses.items() if not 200 <= s < 300)

    @property
    def seconds(self) -> float:
        return self.end - self.start

    def p(self, q: float) -> float:
        return percentile(self.latencies, q) * 1000


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def machine() -> str:
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, SQLite library {sqlite3.sqlite_version}"
