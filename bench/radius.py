"""Access-Requests answered per second by `carrier serve --radius-auth-port`, with p50
and p99 latency, from a client in this process (the server is another), beside a bare
asyncio UDP echo (bench/_udp_echo.py, also its own process) sent the same packets in the
same run.

    python bench/radius.py [--cards 2000] [--requests 20000] [--window 32] [--work DIR]

The cards are ACTIVE with a VERIFIED registration, a static address and a bound IMEI
(the hot path: one read transaction per decision). Each request is a fresh packet (its
own identifier and Request Authenticator, signed with a Message-Authenticator), so none
is answered from the retransmission cache. ``--window`` requests are kept in flight.
The database is SQLite in the work directory.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import cast

import _path  # noqa: F401  # first: the project's packages before bench/'s scripts of the same names
from _servers import free_port, start, stop, wait_ready
from pyrad.packet import AccessAccept, AuthPacket
from stdnum import luhn

from carrier_gateway.db import Database
from carrier_gateway.radius.packets import dictionary
from numbering.ip import pools
from numbering.msisdn import segments
from provisioning.cards import machine
from provisioning.cards.issuance import issue_cards
from provisioning.cards.store import list_cards
from provisioning.enterprises.destinations import add_destination
from provisioning.enterprises.registry import add_enterprise
from provisioning.network.nas import add_nas
from provisioning.privacy.keyring import ENV_VAR, Keyring, new_keyring

APN, SECRET, ACTOR = "iov.bench", "bench-secret-0123456789abcdef", "cli:bench"
GUARD_SECONDS = 30.0  # a run that gets no answer for this long has lost packets: it stops and says so
_RING: Keyring = new_keyring()  # the master key of the run (the server gets it through the environment)


def _uscc() -> str:
    from provisioning.documents.uscc import calc_check_digit

    body = "91110000000000001"
    return body + calc_check_digit(body)


_USCC = _uscc()


def imei(n: int) -> str:
    body = f"35{n:012d}"
    return body + luhn.calc_check_digit(body)


async def prepare(url: str, cards: int) -> list[tuple[str, str]]:
    """An enterprise with a platform prefix and ``cards`` ACTIVE verified cards; their (IMSI, IMEI)."""
    db = Database(url)
    try:
        async with db.write() as conn:
            ent = await add_enterprise(conn, name="基准测试汽车有限公司", uscc=_USCC,
                                       actor=ACTOR, apn=APN)
            await add_destination(conn, ent.id, "PLATFORM_PREFIX", "203.0.113.0/24", actor=ACTOR)
            await segments.add_segment(conn, 1440000000000, 1440000000000 + cards * 2 + 999, "bench")
            await segments.allocate_block(conn, ent.id, cards * 2)
            await pools.add_pool(conn, "10.96.0.0/16", APN, "bench")
            await pools.allocate_prefix(conn, ent.id, 32 - (cards * 2).bit_length(), apn=APN)
            await add_nas(conn, _RING, name="bench", address="127.0.0.1", secret=SECRET, actor=ACTOR)
        await issue_cards(db.write, ent.id, cards, "TBOX", actor=ACTOR, static_ip=True)
        async with db.read() as conn:
            found = (await list_cards(conn, enterprise_id=ent.id, limit=500)).items
            while len(found) < cards:
                found += (await list_cards(conn, enterprise_id=ent.id, cursor=found[-1].iccid, limit=500)).items
        out = []
        for n, card in enumerate(found):
            async with db.write() as conn:
                await machine.record_outcome(conn, card.iccid, "VERIFIED", registration_id=f"bench-{n}",
                                             actor=ACTOR, imei=imei(n))
            out.append((card.imsi, imei(n)))
        return out
    finally:
        await db.dispose()


def packets(cards: list[tuple[str, str]], count: int) -> list[bytes]:
    out = []
    for n in range(count):
        imsi, device = cards[n % len(cards)]
        pkt = AuthPacket(id=n % 256, secret=SECRET.encode(), dict=dictionary(), message_authenticator=True)
        pkt["3GPP-IMSI"], pkt["Called-Station-Id"], pkt["3GPP-IMEISV"] = imsi, APN, device[:14] + "01"
        out.append(pkt.RequestPacket())
    return out


class Client(asyncio.DatagramProtocol):
    """Keeps ``window`` requests in flight; records each one's latency by identifier."""

    def __init__(self, requests: list[bytes], window: int) -> None:
        self.requests, self.window = requests, window
        self.sent_at: dict[int, float] = {}
        self.latencies: list[float] = []
        self.accepts = 0
        self.next = 0
        self.done = asyncio.get_running_loop().create_future()
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)
        for _ in range(min(self.window, len(self.requests))):
            self._send()

    def _send(self) -> None:
        assert self.transport is not None
        data = self.requests[self.next]
        self.next += 1
        self.sent_at[data[1]] = time.perf_counter()
        self.transport.sendto(data)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        sent = self.sent_at.pop(data[1], None)
        if sent is None:
            return
        self.latencies.append(time.perf_counter() - sent)
        self.accepts += data[0] == AccessAccept
        if self.next < len(self.requests):
            self._send()
        elif not self.sent_at and not self.done.done():
            self.done.set_result(None)


async def drive(port: int, requests: list[bytes], window: int) -> tuple[float, Client]:
    loop = asyncio.get_running_loop()
    client = Client(requests, window)
    began = time.perf_counter()
    transport, _ = await loop.create_datagram_endpoint(lambda: client, remote_addr=("127.0.0.1", port))
    try:
        while not client.done.done():
            answered = len(client.latencies)
            await asyncio.wait([client.done], timeout=GUARD_SECONDS)
            if not client.done.done() and len(client.latencies) == answered:
                raise SystemExit(f"no answer for {GUARD_SECONDS} s after {answered} of {len(requests)}: "
                                 "packets were lost")
    finally:
        transport.close()
    return time.perf_counter() - began, client


def row(name: str, elapsed: float, client: Client, window: int) -> tuple[str, float, float, float]:
    lat = sorted(client.latencies)
    rate = len(lat) / elapsed
    p50, p99 = statistics.median(lat) * 1000, lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000
    print(f"{name:38} {len(lat):>9,} {window:>6} {rate:>10,.0f} {p50:>8.2f} {p99:>8.2f}")
    return name, rate, p50, p99


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--window", type=int, default=32, help="requests in flight (at most 128)")
    parser.add_argument("--work", default=None, help="work directory (default: a temporary one)")
    args = parser.parse_args()
    window = max(1, min(args.window, 128))  # identifiers are reused after 256 requests
    work = Path(args.work or tempfile.mkdtemp(prefix="radius-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    url = f"sqlite+aiosqlite:///{work / 'bench.db'}"
    env = {**os.environ, ENV_VAR: _RING.to_json(), "CARRIER_DATABASE_URL": url, "CARRIER_LOG_LEVEL": "WARNING"}
    subprocess.run([sys.executable, "-m", "cli", "init"], env=env, check=True, capture_output=True)
    cards = asyncio.run(prepare(url, args.cards))
    http, udp, echo_port = free_port(), free_port(), free_port()
    server = start([sys.executable, "-m", "cli", "serve", "--port", str(http), "--radius-auth-port", str(udp)],
                   http, env, work / "serve.log")
    echo = subprocess.Popen([sys.executable, str(Path(__file__).parent / "_udp_echo.py"), str(echo_port)],
                            stdout=subprocess.PIPE)
    try:
        asyncio.run(wait_ready([server], "/readyz"))
        assert echo.stdout is not None and echo.stdout.readline().strip() == b"ready"
        warm = packets(cards, len(cards))  # binds nothing new (verified with the IMEI); fills caches
        timed = packets(cards, args.requests)
        asyncio.run(drive(udp, warm, window))
        print(f"{'target':38} {'requests':>9} {'window':>6} {'answers/s':>10} {'p50 ms':>8} {'p99 ms':>8}")
        print("-" * 84)
        elapsed, client = asyncio.run(drive(udp, timed, window))
        ours = row("carrier serve, Access-Request (SQLite)", elapsed, client, window)
        if client.accepts != len(timed):
            print(f"!! {len(timed) - client.accepts} answers were not Access-Accept")
        elapsed, echoed = asyncio.run(drive(echo_port, timed, window))
        base = row("bare asyncio UDP echo, same packets", elapsed, echoed, window)
        print(f"\necho/carrier: {base[1] / ours[1]:.1f}x the answers per second; "
              f"carrier p99 {ours[3] / base[3]:.1f}x the echo's. {len(cards):,} cards, all accepted.")
    finally:
        stop(server)
        echo.terminate()
        echo.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
