"""A real HTTP receiver of webhooks on a free local port: it checks each delivery's
signature with the enterprise's secret (as an OEM would, with the one verifier,
``signing.verify_signed_request``), refuses bad ones with 401, answers scripted
statuses, and records what it accepted."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

from carrier_gateway.signing import KEY_HEADER, SignatureRefused, verify_signed_request

PATH = "/carrier/hooks?tenant=oem-1&sig=v1"


@dataclasses.dataclass
class Delivery:
    status: int
    key_id: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclasses.dataclass
class Receiver:
    #: key id -> secret: the receiver trusts these (fill in once the OEM exists)
    secrets: dict[str, str] = dataclasses.field(default_factory=dict)
    #: statuses to answer, in order; 200 once they run out
    script: list[int] = dataclasses.field(default_factory=list)
    #: seconds to hold each request (to observe concurrency)
    hold: float = 0.0
    attempts: list[Delivery] = dataclasses.field(default_factory=list)
    refused: list[str] = dataclasses.field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    url: str = ""
    _nonces: set[str] = dataclasses.field(default_factory=set)

    @property
    def accepted(self) -> list[Delivery]:
        return [d for d in self.attempts if 200 <= d.status < 300]

    def _why_refused(self, request: web.Request, raw: bytes) -> str | None:
        try:
            signed = verify_signed_request(request.headers, raw, self.secrets, request.method, request.raw_path)
        except SignatureRefused as refused:
            return f"{refused.check}: {refused}"
        if signed.nonce in self._nonces:
            return "replayed nonce"
        self._nonces.add(signed.nonce)
        return None

    async def handle(self, request: web.Request) -> web.Response:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            raw = await request.read()
            refused = self._why_refused(request, raw)
            if refused is not None:
                self.refused.append(refused)
                return web.Response(status=401, text=refused)
            if self.hold:
                await asyncio.sleep(self.hold)
            status = self.script.pop(0) if self.script else 200
            self.attempts.append(Delivery(status, request.headers[KEY_HEADER], dict(request.headers),
                                          json.loads(raw)))
            return web.Response(status=status)
        finally:
            self.in_flight -= 1

    async def wait_for(self, accepted: int, timeout: float = 10.0) -> list[Delivery]:
        for _ in range(int(timeout / 0.02)):
            if len(self.accepted) >= accepted:
                return self.accepted
            await asyncio.sleep(0.02)
        raise AssertionError(f"{len(self.accepted)} of {accepted} webhooks arrived; refused: {self.refused}")


@contextlib.asynccontextmanager
async def receiver(**kw: Any) -> AsyncIterator[Receiver]:
    rec = Receiver(**kw)
    app = web.Application()
    app.router.add_post("/carrier/hooks", rec.handle)
    server = TestServer(app)
    await server.start_server()
    rec.url = str(server.make_url(PATH))
    try:
        yield rec
    finally:
        await server.close()
