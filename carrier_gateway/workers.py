"""Background workers: loops that claim work from the database until told to stop.

Each worker's ``step()`` claims and finishes one batch and returns how many items it
handled. A stop request lets the current step finish (nothing is abandoned half-done);
work claimed by a process that dies is reclaimed by any process when its lease ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("carrier.workers")

Step = Callable[[], Awaitable[int]]


class Worker:
    def __init__(self, name: str, step: Step, *, idle_seconds: float = 0.5, max_idle_seconds: float = 5.0) -> None:
        self.name = name
        self._step = step
        self._idle = idle_seconds
        self._max_idle = max_idle_seconds
        self._wake = asyncio.Event()
        self._stopping = False
        self.processed = 0

    def wake(self) -> None:
        """New work arrived in this process: look now instead of after the idle pause."""
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        pause = self._idle
        while not self._stopping:
            self._wake.clear()
            try:
                done = await self._step()
            except Exception:  # a failed step is logged and retried; the loop must not die
                log.exception("worker step failed", extra={"worker": self.name})
                done = 0
                pause = min(pause * 2, self._max_idle)
            else:
                self.processed += done
                pause = self._idle if done else min(pause * 1.5, self._max_idle)
            if done and not self._stopping:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=pause)


class Workers:
    """Starts workers as tasks; ``stop()`` waits for each to finish its current step."""

    def __init__(self) -> None:
        self._workers: list[Worker] = []
        self._tasks: list[asyncio.Task[None]] = []

    def add(self, worker: Worker) -> Worker:
        self._workers.append(worker)
        return worker

    def start(self) -> None:
        self._tasks = [asyncio.create_task(w.run(), name=f"worker:{w.name}") for w in self._workers]

    def named(self, name: str) -> list[Worker]:
        return [w for w in self._workers if w.name == name]

    def wake(self, name: str) -> None:
        for worker in self.named(name):
            worker.wake()

    async def stop(self, timeout: float = 30.0) -> None:
        for worker in self._workers:
            worker.stop()
        if not self._tasks:
            return
        _, pending = await asyncio.wait(self._tasks, timeout=timeout)
        for task in pending:
            log.warning("worker did not stop in time; cancelling", extra={"worker": task.get_name()})
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        self._tasks = []
