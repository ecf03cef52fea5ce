"""The baseline of bench/radius.py: a bare asyncio UDP server that sends every datagram
back as it came (no parsing, no checks, no database), in its own process.

    python bench/_udp_echo.py PORT
"""

from __future__ import annotations

import asyncio
import signal
import sys
from typing import cast


class Echo(asyncio.DatagramProtocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.transport.sendto(data, addr)


async def main(port: int) -> None:
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(Echo, local_addr=("127.0.0.1", port))
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    print("ready", flush=True)
    await stop.wait()
    transport.close()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
