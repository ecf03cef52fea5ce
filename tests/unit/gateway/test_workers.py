from __future__ import annotations

import asyncio

from carrier_gateway.workers import Worker, Workers


async def test_worker_drains_work_and_stop_waits_for_the_current_step() -> None:
    queue = list(range(10))
    finished: list[int] = []
    started = asyncio.Event()

    async def step() -> int:
        if not queue:
            return 0
        item = queue.pop(0)
        started.set()
        await asyncio.sleep(0.01)
        finished.append(item)
        return 1

    workers = Workers()
    worker = workers.add(Worker("w", step, idle_seconds=0.01))
    workers.start()
    await started.wait()
    await workers.stop()
    # the step in progress when stop() was called completed; nothing was cut in half
    assert finished and finished == sorted(finished) and worker.processed == len(finished)


async def test_wake_skips_the_idle_pause() -> None:
    seen: list[int] = []
    box: list[int] = []

    async def step() -> int:
        if box:
            seen.append(box.pop())
            return 1
        return 0

    workers = Workers()
    workers.add(Worker("w", step, idle_seconds=30, max_idle_seconds=30))
    workers.start()
    await asyncio.sleep(0.05)
    box.append(7)
    workers.wake("w")
    for _ in range(100):
        if seen:
            break
        await asyncio.sleep(0.01)
    await workers.stop()
    assert seen == [7]


async def test_a_crashing_step_does_not_kill_the_worker() -> None:
    calls = 0

    async def step() -> int:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("boom")
        return 0

    workers = Workers()
    workers.add(Worker("w", step, idle_seconds=0.001, max_idle_seconds=0.002))
    workers.start()
    for _ in range(200):
        if calls >= 3:
            break
        await asyncio.sleep(0.005)
    await workers.stop()
    assert calls >= 3


def test_serving_settles_the_garbage_collector_after_start_up() -> None:
    """What start-up built is frozen (never walked again) and the young generation is
    larger, so a loaded server does not spend its CPU re-walking a long-lived heap."""
    import gc

    from carrier_gateway.serving import GC_YOUNG_THRESHOLD, settle_garbage_collector

    before = gc.get_threshold()
    try:
        settle_garbage_collector()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (GC_YOUNG_THRESHOLD, *before[1:])
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
