from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from carrier_gateway.batching import Batcher
from carrier_gateway.ratelimit import RateLimiter, retry_after_header


async def test_concurrent_submissions_share_flushes_and_get_their_own_results() -> None:
    flushes: list[int] = []

    async def flush(items: Sequence[int]) -> list[int | BaseException]:
        flushes.append(len(items))
        await asyncio.sleep(0.01)
        return [ValueError(f"odd {i}") if i % 2 else i * 10 for i in items]

    batcher: Batcher[int, int] = Batcher(flush, max_batch=50)
    results = await asyncio.gather(*(batcher.submit(i) for i in range(200)), return_exceptions=True)
    assert [r for r in results if not isinstance(r, BaseException)] == [i * 10 for i in range(0, 200, 2)]
    assert all(isinstance(results[i], ValueError) for i in range(1, 200, 2))
    assert sum(flushes) == 200 and len(flushes) < 200 and max(flushes) <= 50


async def test_under_load_a_flush_waits_its_linger_for_more_and_alone_it_does_not() -> None:
    flushes: list[list[str]] = []

    async def flush(items: Sequence[str]) -> list[str]:
        flushes.append(list(items))
        return list(items)

    batcher: Batcher[str, str] = Batcher(flush, linger=0.2)
    loop = asyncio.get_running_loop()
    start = loop.time()
    assert await batcher.submit("alone") == "alone"  # low load: flushed at once
    assert loop.time() - start < 0.1
    await asyncio.gather(batcher.submit("a"), batcher.submit("b"))  # two at once: now under load

    async def later(item: str, after: float) -> str:
        await asyncio.sleep(after)
        return await batcher.submit(item)

    await asyncio.gather(later("c", 0), later("d", 0.05), later("e", 0.1))
    assert flushes == [["alone"], ["a", "b"], ["c", "d", "e"]]


async def test_a_failing_flush_fails_every_caller_in_it() -> None:
    async def flush(items: Sequence[int]) -> list[int]:
        raise RuntimeError("database gone")

    batcher: Batcher[int, int] = Batcher(flush)
    results = await asyncio.gather(batcher.submit(1), batcher.submit(2), return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)


def test_token_bucket_allows_burst_then_limits_per_key() -> None:
    limiter = RateLimiter(rate_per_second=10, burst=5)
    assert [limiter.take(1, now=0.0) for _ in range(5)] == [None] * 5
    wait = limiter.take(1, now=0.0)
    assert wait == pytest.approx(0.1)
    assert limiter.take(2, now=0.0) is None  # another enterprise is unaffected
    assert limiter.take(1, now=0.1) is None  # refilled one token
    assert retry_after_header(0.1) == "1" and retry_after_header(2.2) == "3"


def test_zero_rate_disables_the_limit() -> None:
    limiter = RateLimiter(rate_per_second=0, burst=1)
    assert all(limiter.take(1, now=0.0) is None for _ in range(100))


def test_a_process_takes_its_share_of_rate_and_burst() -> None:
    share = [0.0]
    limiter = RateLimiter(rate_per_second=10, burst=6, share=lambda: share[0], unshared_wait=2.0)
    assert limiter.take(1, now=0.0) == 2.0  # no share yet (joining): wait for the next heartbeat
    share[0] = 0.5  # rate 5/s, burst 3
    assert [limiter.take(1, now=0.0) for _ in range(4)] == [None, None, None, pytest.approx(0.2)]
    share[0] = 1.0  # a peer left: the time before is refilled at the old, lower rate only
    assert limiter.take(1, now=0.1) == pytest.approx(0.05)
    share[0] = 0.25  # peers joined: the bucket shrinks to 1.5 at once, whatever it held
    assert limiter.take(1, now=100.0) is None
    assert limiter.take(1, now=100.0) == pytest.approx(0.2)
