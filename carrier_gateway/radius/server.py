"""The UDP side: two sockets (authentication, accounting), client look-up, packet checks,
retransmissions, and one task per request to decide and answer.

pyrad's own ``ServerAsync`` is not used: it keys clients by exact address in a dict
fixed at start, calls synchronous handlers, and drops bad packets into a log line. Here
clients are prefixes read from the database (see ``clients``), each drop is counted by
cause, and a request is decided by a coroutine on the database.

Retransmissions (RFC 5080 section 2.2.2): a request from the same address and port with
the same identifier and Request Authenticator within ``dedup_seconds`` is the same
request. While it is being decided the copy is ignored (the one answer is on its way);
once answered, the copy gets the very same reply bytes; it is never decided twice.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable
from typing import cast

from pyrad.packet import Packet

from carrier_gateway.radius.clients import ClientTable
from carrier_gateway.radius.metrics import RadiusMetrics
from carrier_gateway.radius.packets import ACCT, AUTH, Drop, decode
from provisioning.network.nas import Client

log = logging.getLogger("carrier.radius")

#: decides one authenticated request and returns the signed reply
Handler = Callable[[str, Packet, Client], Awaitable[bytes]]
Address = tuple[str, int]


@dataclasses.dataclass
class _Recent:
    authenticator: bytes
    at: float
    reply: bytes | None = None


class _Endpoint(asyncio.DatagramProtocol):
    def __init__(self, server: RadiusServer, kind: str) -> None:
        self.server, self.kind = server, kind
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)  # a selector transport: not a subclass

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        assert self.transport is not None
        self.server.received(self.kind, data, (addr[0], addr[1]), self.transport)

    def error_received(self, exc: Exception) -> None:
        log.warning("RADIUS socket error", extra={"port": self.kind, "error": str(exc)})


class RadiusServer:
    def __init__(self, handler: Handler, clients: ClientTable, metrics: RadiusMetrics, *,
                 dedup_seconds: float = 5.0, max_pending: int = 1024) -> None:
        self._handler, self._clients, self.metrics = handler, clients, metrics
        self._dedup, self._max_pending = dedup_seconds, max_pending
        self._recent: collections.OrderedDict[tuple[str, str, int, int], _Recent] = collections.OrderedDict()
        self._tasks: set[asyncio.Task[bytes]] = set()
        self._transports: list[asyncio.DatagramTransport] = []
        #: the ports actually bound, by kind (0 asks the system for a free one)
        self.ports: dict[str, int] = {}

    async def start(self, host: str, *, auth_port: int | None, acct_port: int | None) -> None:
        await self._clients.start()
        loop = asyncio.get_running_loop()
        for kind, port in ((AUTH, auth_port), (ACCT, acct_port)):
            if port is None:
                continue
            transport, _ = await loop.create_datagram_endpoint(lambda k=kind: _Endpoint(self, k),  # type: ignore[misc]
                                                               local_addr=(host, port))
            self._transports.append(transport)
            self.ports[kind] = transport.get_extra_info("sockname")[1]
        log.info("RADIUS listening", extra={"host": host, **{f"{k}_port": p for k, p in self.ports.items()}})

    async def refresh_clients(self) -> None:
        """Read the clients now rather than at the next refresh."""
        await self._clients.refresh()

    async def stop(self, timeout: float = 5.0) -> None:
        """Stop listening, let the requests being decided finish (at most ``timeout``)."""
        for transport in self._transports:
            transport.close()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=timeout)
        await self._clients.stop()

    def received(self, kind: str, data: bytes, addr: Address, transport: asyncio.DatagramTransport) -> None:
        arrived = time.perf_counter()
        self.metrics.requests.labels(kind).inc()
        client = self._clients.match(addr[0])
        if client is None:
            return self._drop("UNKNOWN_CLIENT", addr)
        try:
            pkt = decode(kind, data, client.secret)
        except Drop as drop:
            return self._drop(drop.cause, addr, client.name)
        key = (kind, addr[0], addr[1], pkt.id)
        self._forget_old(arrived)
        seen = self._recent.get(key)
        if seen is not None and seen.authenticator == pkt.authenticator:
            self.metrics.retransmissions.labels(kind).inc()
            if seen.reply is not None:
                transport.sendto(seen.reply, addr)
            return None
        if len(self._tasks) >= self._max_pending:
            return self._drop("OVERLOAD", addr, client.name)
        entry = _Recent(pkt.authenticator, arrived)
        self._recent[key] = entry
        self._recent.move_to_end(key)
        task = asyncio.get_running_loop().create_task(self._handler(kind, pkt, client))
        self._tasks.add(task)
        task.add_done_callback(lambda t: self._answered(t, kind, key, entry, addr, transport, arrived))
        return None

    def _answered(self, task: asyncio.Task[bytes], kind: str, key: tuple[str, str, int, int], entry: _Recent,
                  addr: Address, transport: asyncio.DatagramTransport, arrived: float) -> None:
        self._tasks.discard(task)
        error = None if task.cancelled() else task.exception()
        if task.cancelled() or error is not None:
            # no answer: the gateway retries (or fails over), and the retry is decided afresh
            if self._recent.get(key) is entry:
                del self._recent[key]
            self.metrics.drops.labels("ERROR").inc()
            log.error("RADIUS request failed", exc_info=error, extra={"port": kind, "client_address": addr[0]})
            return
        entry.reply = task.result()
        if not transport.is_closing():
            transport.sendto(entry.reply, addr)
        self.metrics.latency.labels(kind).observe(time.perf_counter() - arrived)

    def _forget_old(self, now: float) -> None:
        while self._recent:
            key, oldest = next(iter(self._recent.items()))
            if now - oldest.at <= self._dedup or oldest.reply is None:
                break
            del self._recent[key]

    def _drop(self, cause: str, addr: Address, client: str | None = None) -> None:
        self.metrics.drops.labels(cause).inc()
        log.info("RADIUS packet dropped", extra={"cause": cause, "client_address": addr[0], "client": client})
