"""A RADIUS server on a real database, a gateway talking to it (pyrad's own asyncio
client), radclient (FreeRADIUS's client, as a tester would run it), and a raw UDP peer
for packets a well-behaved client would never send."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any, cast

from prometheus_client import CollectorRegistry
from pyrad.client_async import ClientAsync
from pyrad.packet import AccessRequest, AccountingRequest, AcctPacket, AuthPacket, Packet

from carrier_gateway.db import Database
from carrier_gateway.radius.clients import ClientTable
from carrier_gateway.radius.handlers import Handlers
from carrier_gateway.radius.metrics import RadiusMetrics
from carrier_gateway.radius.packets import dictionary
from carrier_gateway.radius.server import RadiusServer
from provisioning.network.nas import add_nas
from provisioning.privacy.keyring import Keyring

SECRET = "gateway-secret-0123456789"
#: a guard, not a measure: how long a test waits for an answer before it fails
GUARD_SECONDS = 10.0


@contextlib.asynccontextmanager
async def running(db: Database, keyring: Keyring, *, nas_address: str | None = "127.0.0.1"
                  ) -> AsyncIterator[tuple[RadiusServer, CollectorRegistry]]:
    """A server on free ports of 127.0.0.1; ``nas_address`` is registered as client ``pgw1``."""
    if nas_address is not None:
        async with db.write() as conn:
            await add_nas(conn, keyring, name="pgw1", address=nas_address, secret=SECRET, actor="cli:test")
    registry = CollectorRegistry()
    metrics = RadiusMetrics(registry)
    server = RadiusServer(Handlers(db, metrics), ClientTable(db, keyring), metrics)
    await server.start("127.0.0.1", auth_port=0, acct_port=0)
    try:
        yield server, registry
    finally:
        await server.stop()


def count(registry: CollectorRegistry, name: str, **labels: str) -> float:
    return registry.get_sample_value(f"carrier_radius_{name}_total", labels) or 0.0


@contextlib.asynccontextmanager
async def gateway(server: RadiusServer, secret: str = SECRET) -> AsyncIterator[ClientAsync]:
    client = ClientAsync("127.0.0.1", auth_port=server.ports["auth"], acct_port=server.ports["acct"],
                         secret=secret.encode(), dict=dictionary(), retries=0, timeout=GUARD_SECONDS,
                         enforce_ma=True)
    await client.initialize_transports(enable_auth=True, enable_acct=True)
    try:
        yield client
    finally:
        await client.deinitialize_transports()


def access_request(client: ClientAsync, *, imsi: str | None = None, apn: str | None = "iov.test",
                   imeisv: str | None = None, **attributes: Any) -> AuthPacket:
    pkt = client.CreateAuthPacket(code=AccessRequest, **attributes)
    for name, value in (("3GPP-IMSI", imsi), ("Called-Station-Id", apn), ("3GPP-IMEISV", imeisv)):
        if value is not None:
            pkt[name] = value
    return pkt


def accounting_request(client: ClientAsync, status: str, session_id: str, **attributes: Any) -> AcctPacket:
    pkt = client.CreateAcctPacket(code=AccountingRequest, Acct_Status_Type=status, Acct_Session_Id=session_id)
    for name, value in attributes.items():
        pkt[name.replace("_", "-")] = value
    return pkt


async def send(client: ClientAsync, pkt: Packet) -> Packet:
    return await client.SendPacket(pkt)


class RawPeer(asyncio.DatagramProtocol):
    """Sends bytes as they are and keeps every datagram that comes back."""

    def __init__(self) -> None:
        self.replies: asyncio.Queue[bytes] = asyncio.Queue()
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)  # a selector transport: not a subclass

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.replies.put_nowait(data)

    def send(self, data: bytes) -> None:
        assert self.transport is not None
        self.transport.sendto(data)

    async def reply(self) -> bytes:
        return await asyncio.wait_for(self.replies.get(), GUARD_SECONDS)


@contextlib.asynccontextmanager
async def raw_peer(port: int, *, local: str = "127.0.0.1") -> AsyncIterator[RawPeer]:
    transport, peer = await asyncio.get_running_loop().create_datagram_endpoint(
        RawPeer, local_addr=(local, 0), remote_addr=("127.0.0.1", port))
    try:
        yield peer
    finally:
        transport.close()


MA = "Message-Authenticator = 0x00"  # radclient computes it when asked for one


async def radclient(port: int, command: str, attributes: list[str], *, secret: str = SECRET,
                    wait: float = GUARD_SECONDS) -> str:
    """radclient's output for one request: the reply's attributes, or its "No reply"."""
    proc = await asyncio.create_subprocess_exec(
        "radclient", "-x", "-r", "1", "-t", str(wait), f"127.0.0.1:{port}", command, secret,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await proc.communicate("\n".join(attributes).encode() + b"\n")
    return out.decode()
