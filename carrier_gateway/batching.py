"""Natural batching (group commit): callers submit items one by one; one task flushes
whatever has accumulated in a single write transaction.

At low load a batch is one item and adds no delay; under load the batch grows while the
previous flush runs, so a thousand concurrent requests cost a handful of commits.
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
    def __init__(self, flush: Flush[T, R], *, max_batch: int = 1000) -> None:
        self._flush = flush
        self._max = max_batch
        self._pending: list[tuple[T, asyncio.Future[R]]] = []
        self._runner: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> R:
        fut: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._pending.append((item, fut))
        if self._runner is None or self._runner.done():
            self._runner = asyncio.create_task(self._run())
        return await fut

    async def _run(self) -> None:
        while self._pending:
            batch, self._pending = self._pending[: self._max], self._pending[self._max :]
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
