"""Natural batching (group commit): callers submit items one by one; one task flushes
whatever has accumulated in a single write transaction.

At low load a batch is one item and adds no delay; under load the batch grows while the
previous flush runs, so a thousand concurrent requests cost a handful of commits. Once
batches hold more than one item, each flush first waits ``linger`` seconds (1 ms) for
more: a flush costs the same for ten items as for one (a transaction and a few
statements), so under load a millisecond of waiting buys back far more than it costs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: flush(items) -> one result or exception per item, in order
Flush = Callable[[Sequence[T]], Awaitable[Sequence["R | BaseException"]]]


class Batcher(Generic[T, R]):
    def __init__(self, flush: Flush[T, R], *, max_batch: int = 1000, linger: float = 0.001) -> None:
        self._flush = flush
        self._max = max_batch
        self._linger = linger
        self._last_size = 0
        self._pending: list[tuple[T, asyncio.Future[R]]] = []
        self._runner: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> R:
        fut: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._pending.append((item, fut))
        if self._runner is None or self._runner.done():
            self._runner = asyncio.create_task(self._run())
        return await fut

    async def _run(self) -> None:
        if self._last_size > 1 and self._linger > 0:  # under load: let the batch fill a little
            await asyncio.sleep(self._linger)
        while self._pending:
            batch, self._pending = self._pending[: self._max], self._pending[self._max :]
            self._last_size = len(batch)
            items = [item for item, _ in batch]
            try:
                results: Sequence[R | BaseException] = await self._flush(items)
            except Exception as exc:  # noqa: BLE001 - the whole batch failed: every caller gets the error
                results = [exc] * len(batch)
            for (_, fut), result in zip(batch, results, strict=True):
                if fut.done():
                    continue
                if isinstance(result, BaseException):
                    fut.set_exception(result)
                else:
                    fut.set_result(result)

    async def drain(self) -> None:
        """Wait for everything submitted so far to be flushed (used at shutdown)."""
        while self._runner is not None and not self._runner.done():
            await asyncio.shield(self._runner)
