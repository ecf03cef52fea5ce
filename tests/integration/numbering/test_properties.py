"""Random sequences of operations against a plain-Python model of every number.

Segments: add / allocate / assign / release / expire / give back a block. After every
step the database's per-segment stock, allocated, assigned and quarantined counts
must equal the model's, stock + allocated + quarantined must equal the total, and no
two runs or blocks may overlap. Each allocation and assignment must return exactly
what the model predicts (best-fit block; fewest runs).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncConnection

from carrier_gateway.db import Database
from numbering.errors import Conflict, Exhausted
from numbering.intervals import best_fit, plan_take, runs_of
from numbering.msisdn import segments
from tests.integration.numbering.helpers import BASE, check_segment_invariants, wipe

START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
#: no shrinking: each example is a database round trip, and shrinking a failure would take
#: minutes; the failing sequence is printed as drawn.
EXAMPLES = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
                    phases=[Phase.explicit, Phase.reuse, Phase.generate])


@dataclasses.dataclass
class Model:
    segments: list[tuple[int, int]] = dataclasses.field(default_factory=list)
    blocks: dict[int, tuple[int, int, int]] = dataclasses.field(default_factory=dict)  # id -> (ent, first, last)
    assigned: set[int] = dataclasses.field(default_factory=set)
    cooling: dict[int, dt.datetime] = dataclasses.field(default_factory=dict)  # number -> until

    def in_blocks(self) -> set[int]:
        return {n for _, a, b in self.blocks.values() for n in range(a, b + 1)}

    def stock_runs(self) -> list[tuple[int, int]]:
        taken = self.in_blocks() | set(self.cooling)
        return [r for a, b in self.segments for r in runs_of(n for n in range(a, b + 1) if n not in taken)]

    def free_runs(self, enterprise: int) -> list[tuple[int, int]]:
        return [r for e, a, b in self.blocks.values() if e == enterprise
                for r in runs_of(n for n in range(a, b + 1) if n not in self.assigned and n not in self.cooling)]

    def usage(self) -> list[tuple[int, int, int, int]]:
        out = []
        blocked = self.in_blocks()
        for a, b in sorted(self.segments):
            span = set(range(a, b + 1))
            cooling = span & set(self.cooling)
            allocated = len(span & blocked - cooling)
            out.append((len(span - blocked - cooling), allocated, len(span & self.assigned), len(cooling)))
        return out


async def _check(conn: AsyncConnection, model: Model) -> None:
    usage = await check_segment_invariants(conn)
    got = [(u["stock"], u["allocated"], u["assigned"], u["quarantined"]) for u in usage]
    assert got == model.usage()


@EXAMPLES
@given(st.data())
async def test_random_segment_operations_keep_the_invariants(db: Database, data: st.DataObject) -> None:
    await wipe(db)
    model, now = Model(), START
    async with db.write() as conn:  # start from a segment and a block so most sequences get somewhere
        await segments.add_segment(conn, BASE + 20, BASE + 79)
        block = await segments.allocate_block(conn, 1, 20)
    model.segments.append((20, 79))
    model.blocks[block.id] = (1, 20, 39)
    for _ in range(data.draw(st.integers(6, 16), label="steps")):
        # the simplest (first) choices are the productive ones: hypothesis starts from them
        op = data.draw(st.sampled_from(["assign", "release", "expire", "allocate", "give_back", "add"]), label="op")
        async with db.write() as conn:
            if op == "add":
                lo, span = data.draw(st.integers(0, 150)), data.draw(st.integers(1, 40))
                clash = any(lo <= b and a <= lo + span - 1 for a, b in model.segments)
                try:
                    await segments.add_segment(conn, BASE + lo, BASE + lo + span - 1)
                    assert not clash
                    model.segments.append((lo, lo + span - 1))
                except Conflict:
                    assert clash
            elif op == "allocate":
                ent, count = data.draw(st.integers(1, 2)), data.draw(st.integers(1, 20))
                expected = best_fit(model.stock_runs(), count)
                try:
                    block = await segments.allocate_block(conn, ent, count)
                except Exhausted:
                    assert expected is None
                else:
                    assert expected is not None and (block.first - BASE, block.count) == (expected[0], count)
                    model.blocks[block.id] = (ent, block.first - BASE, block.last - BASE)
            elif op == "assign":
                ent, count = data.draw(st.integers(1, 2)), data.draw(st.integers(1, 8))
                free = model.free_runs(ent)
                try:
                    runs = await segments.assign_msisdns(conn, ent, count)
                except Exhausted:
                    assert sum(b - a + 1 for a, b in free) < count
                else:
                    assert [(a - BASE, b - BASE) for a, b in runs] == sorted(plan_take(free, count))
                    model.assigned |= {n - BASE for a, b in runs for n in range(a, b + 1)}
            elif op == "release":
                pick = data.draw(st.lists(st.sampled_from(sorted(model.assigned)), unique=True, min_size=1, max_size=6)
                                 if model.assigned else st.just([]))
                bad = data.draw(st.booleans()) or not pick
                outsider = st.integers(0, 200).filter(lambda n, taken=tuple(pick): n not in taken)
                numbers = [*pick, *([data.draw(outsider)] if bad else [])]
                try:
                    await segments.release_msisdns(conn, [BASE + n for n in numbers], now=now)
                except Conflict:  # checked before anything is written: the model stays as it was
                    assert bad and numbers[-1] not in model.assigned
                    numbers = []
                assert not numbers or not bad or numbers[-1] in model.assigned
                for n in numbers:
                    model.assigned.discard(n)
                    model.cooling[n] = now + dt.timedelta(days=90)
            elif op == "expire":
                now += dt.timedelta(days=data.draw(st.sampled_from([90, 120, 0, 30, 60])))
                due = [n for n, until in model.cooling.items() if until <= now]
                assert await segments.expire_quarantine(conn, now) == len(due)
                for n in due:
                    del model.cooling[n]
            elif model.blocks:
                block_id = data.draw(st.sampled_from(sorted(model.blocks)))
                _, a, b = model.blocks[block_id]
                busy = any(a <= n <= b for n in model.assigned)
                try:
                    await segments.release_block(conn, block_id)
                except Conflict:
                    assert busy
                else:
                    assert not busy
                    del model.blocks[block_id]
            await _check(conn, model)
