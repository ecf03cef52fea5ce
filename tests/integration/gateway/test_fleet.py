"""Serve processes' heartbeats: each takes 1/N of a shared limit, and the shares of all
processes never add up to more than 1 while processes join, fail, stop or die."""

from __future__ import annotations

from carrier_gateway.db import Database
from carrier_gateway.fleet import Fleet

INTERVAL = 2.0


class Clock:
    """One wall clock for every process of the test, moved by hand."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def _total(*fleet: Fleet) -> float:
    return sum(f.share() for f in fleet)


async def test_a_joining_process_takes_a_share_only_once_every_other_counts_it(db: Database) -> None:
    clock = Clock()
    a, b = Fleet(db, interval=INTERVAL, clock=clock), Fleet(db, interval=INTERVAL, clock=clock)
    await a.beat()
    assert a.share() == 1.0 and b.share() == 0.0
    clock.advance(0.1)
    await b.beat()  # b sees a, but a still takes the whole limit: b waits
    assert (a.share(), b.share()) == (1.0, 0.0)
    clock.advance(0.1)
    await b.beat()  # a has not beaten since b joined: still waiting
    assert b.share() == 0.0
    clock.advance(0.1)
    await a.beat()  # a counts b now and halves its share
    assert (a.share(), b.live) == (0.5, 2)
    clock.advance(0.1)
    await b.beat()
    assert (a.share(), b.share()) == (0.5, 0.5)


async def test_failing_stopping_and_dead_processes_never_let_the_shares_exceed_one(db: Database) -> None:
    clock = Clock()
    a, b, c = (Fleet(db, interval=INTERVAL, clock=clock) for _ in range(3))
    for fleet in (a, b, c, a, b, c, a, b, c):
        await fleet.beat()
        assert _total(a, b, c) <= 1.0
        clock.advance(0.1)
    assert [f.share() for f in (a, b, c)] == [1 / 3] * 3

    clock.advance(2 * INTERVAL)  # c's heartbeats fail: it gives its share up before the others drop it
    await a.beat()
    await b.beat()
    assert c.share() == 0.0 and a.share() == b.share() == 1 / 3
    clock.advance(INTERVAL)  # now three intervals: the others no longer count c
    await a.beat()
    await b.beat()
    assert (a.live, b.live, _total(a, b, c)) == (2, 2, 1.0)
    await c.beat()  # c is back: it joins anew and waits for the others to count it
    assert c.share() == 0.0 and _total(a, b, c) == 1.0

    await a.leave()  # a stops: its share is gone at once, the others take it at their next beat
    assert a.share() == 0.0
    clock.advance(0.1)
    await b.beat()
    await c.beat()
    assert (b.share(), c.share()) == (0.5, 0.5)

    clock.advance(3 * INTERVAL + 0.1)  # c dies without leaving: b counts it until its row is stale
    await b.beat()
    assert b.live == 1 and b.share() == 1.0
