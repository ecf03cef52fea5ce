"""Running the app until SIGINT/SIGTERM, then stopping in the right order.

aiohttp's own shutdown closes every connection first and drops the bytes of a request
body still arriving, so a client in the middle of an upload would lose it. Here a signal
1. stops the listening socket (no new connections),
2. waits until the requests already being handled have finished, bodies included
   (responses now carry ``Connection: close``), at most the shutdown timeout,
3. then cleans up: idle connections close, background workers finish their current
   step, the database is disposed.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import Coroutine
from typing import Any

from aiohttp import web

from carrier_gateway.logs import AccessLogger

log = logging.getLogger("carrier.serve")


class InFlight:
    """Counts requests being handled; ``draining`` asks clients to reconnect elsewhere."""

    def __init__(self) -> None:
        self.count = 0
        self.draining = False
        self._idle = asyncio.Event()
        self._idle.set()

    def enter(self) -> None:
        self.count += 1
        self._idle.clear()

    def leave(self) -> None:
        self.count -= 1
        if self.count == 0:
            self._idle.set()

    async def wait_idle(self, timeout: float) -> bool:
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True


IN_FLIGHT = web.AppKey("in_flight", InFlight)


#: allocations between two young-generation collections (CPython's default is 700). A
#: batch of 1000 records holds ~30,000 objects while it is validated and stored; below
#: that, young collections walk (and promote) the same live batch again and again: the
#: collector took 5.5-7.4 us of a batch record's CPU at 20,000, 2.2-2.5 at 100,000
#: (bench/verify_steps.py --freeze, three alternating runs each)
GC_YOUNG_THRESHOLD = 100_000


def settle_garbage_collector() -> None:
    """Once the service is set up, stop the cyclic garbage collector from walking what
    start-up built (modules, compiled schemas and statements: long-lived, never garbage)
    and let the young generation grow before each collection. Under load CPython's
    defaults walk that heap over and over: a full collection took ~45 ms here and the
    collector ~12% of the CPU. Reference counting still frees everything at once; only
    cycles wait a little longer."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, older, oldest)


def run(main: Coroutine[Any, Any, None], event_loop: str) -> None:
    """Run ``main`` to the end on a new event loop of the kind named: "uvloop" (libuv's
    loop, written in C: its sockets, timers and callbacks cost less CPU per request than
    the standard library's; single pushes ~6% faster, see docs/performance.md) or
    "asyncio". Where uvloop cannot be imported (a platform it does not support), the
    standard loop runs and the log says so."""
    if event_loop == "uvloop":
        try:
            import uvloop
        except ImportError:
            log.warning("uvloop is not installed here: running on the standard asyncio event loop")
        else:
            with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
                runner.run(main)
            return
    asyncio.run(main)


def loop_name(loop: asyncio.AbstractEventLoop) -> str:
    """Which kind of event loop this is ("uvloop", "asyncio"), for the log."""
    return type(loop).__module__.partition(".")[0]


async def serve(app: web.Application, host: str, port: int, shutdown_timeout: float) -> None:
    runner = web.AppRunner(app, handle_signals=False, access_log_class=AccessLogger,
                           access_log=logging.getLogger("carrier.access"), shutdown_timeout=shutdown_timeout)
    await runner.setup()
    settle_garbage_collector()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        log.info("listening", extra={"host": host, "port": port, "event_loop": loop_name(loop)})
        await stop.wait()
        in_flight = app[IN_FLIGHT]
        in_flight.draining = True
        log.info("stopping", extra={"requests_in_flight": in_flight.count})
        await site.stop()
        if not await in_flight.wait_idle(shutdown_timeout):
            log.warning("requests still running at the shutdown timeout", extra={"requests": in_flight.count})
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)
        await runner.cleanup()
