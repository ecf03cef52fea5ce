"""Number segments on real databases: stock, best-fit blocks, assignment, quarantine."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from carrier_gateway.db import Database
from numbering.errors import Conflict, Exhausted, Invalid, NotFound
from numbering.identifiers import profile
from numbering.msisdn import segments
from numbering.msisdn.usage import enterprise_usage, segment_usage
from numbering.tables import block_free, quarantine, segment_free
from tests.integration.numbering.helpers import BASE, check_segment_invariants, count_rows, read, write

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


async def test_add_segment_puts_the_range_in_stock(db: Database) -> None:
    seg = await write(db, segments.add_segment, BASE, BASE + 9999, "first")
    usage = await read(db, segment_usage)
    assert usage == [{**usage[0], "id": seg["id"], "total": 10000, "stock": 10000, "allocated": 0, "assigned": 0,
                      "quarantined": 0, "blocks": 0, "label": "first", "first": str(BASE)}]


async def test_overlapping_segments_are_refused_and_adjacent_ones_accepted(db: Database) -> None:
    first = await write(db, segments.add_segment, BASE + 100, BASE + 199)
    for lo, hi in [(BASE, BASE + 100), (BASE + 199, BASE + 300), (BASE + 120, BASE + 130), (BASE, BASE + 999)]:
        with pytest.raises(Conflict, match=f"overlaps segment {first['id']} \\({BASE + 100}-{BASE + 199}\\)") as err:
            await write(db, segments.add_segment, lo, hi)
        assert err.value.code == "SEGMENT_OVERLAP"
    await write(db, segments.add_segment, BASE, BASE + 99)
    await write(db, segments.add_segment, BASE + 200, BASE + 299)
    assert [s["total"] for s in await read(db, segment_usage)] == [100, 100, 100]


@pytest.mark.parametrize(("lo", "hi", "needle"), [
    (1460000000000, 1460000000099, "China Unicom IoT number, not China Mobile"),
    (1420000000000, 1420000000099, "reserved IoT prefix 142"),
    (1441999999990, 1442000000009, "reserved IoT prefix 1442"),
    (1441999999990, 1480000000009, "runs past China Mobile's IoT prefix"),
    (BASE + 10, BASE, "is after"),
    (13800138000, BASE, "has 11 digits"),
])
async def test_numbers_outside_the_carriers_iot_prefixes_are_refused(db: Database, lo: int, hi: int,
                                                                     needle: str) -> None:
    with pytest.raises(Invalid, match=needle):
        await write(db, segments.add_segment, lo, hi)
    assert await read(db, segment_usage) == []


async def test_the_recorded_carrier_decides_which_numbers_are_ours(db: Database) -> None:
    await write(db, profile.set_profile, "china-unicom")
    seg = await write(db, segments.add_segment, 1460000000000, 1460000000099)
    assert seg["total"] == 100
    with pytest.raises(Invalid, match="China Mobile IoT number, not China Unicom"):
        await write(db, segments.add_segment, BASE, BASE + 9)


async def _fragmented(db: Database) -> dict[str, segments.Block]:
    """Stock [0,999]: blocks A[0,99] B[100,399] C[400,499] D[500,699]; B and D given back."""
    await write(db, segments.add_segment, BASE, BASE + 999)
    made = {}
    for name, enterprise, count in [("A", 1, 100), ("B", 2, 300), ("C", 3, 100), ("D", 4, 200)]:
        made[name] = await write(db, segments.allocate_block, enterprise, count)
    await write(db, segments.release_block, made["B"].id)
    await write(db, segments.release_block, made["D"].first)  # by first number
    return made


async def test_blocks_are_contiguous_and_best_fit(db: Database) -> None:
    made = await _fragmented(db)
    assert [(b.first - BASE, b.last - BASE) for b in made.values()] == [(0, 99), (100, 399), (400, 499), (500, 699)]
    # free runs now: [100,399] (300) and [500,999] (500, merged)
    async with db.read() as conn:
        runs = [(r.first - BASE, r.last - BASE) for r in await conn.execute(
            select(segment_free.c.first, segment_free.c.last).order_by(segment_free.c.first))]
    assert runs == [(100, 399), (500, 999)]
    small = await write(db, segments.allocate_block, 5, 250)
    assert (small.first - BASE, small.last - BASE, small.count) == (100, 349, 250)
    big = await write(db, segments.allocate_block, 6, 400)
    assert (big.first - BASE, big.last - BASE) == (500, 899)
    async with db.read() as conn:
        await check_segment_invariants(conn)


async def test_allocation_errors_are_precise_and_change_nothing(db: Database) -> None:
    await _fragmented(db)
    before = await read(db, segment_usage)
    with pytest.raises(Exhausted, match="the stock has no run of 501 contiguous free numbers \\(the largest is 500\\)"):
        await write(db, segments.allocate_block, 7, 501)
    with pytest.raises(NotFound, match="no number segment 99"):
        await write(db, segments.allocate_block, 7, 5, segment_id=99)
    for enterprise, count, field in [(0, 5, "enterprise_id"), (7, 0, "count"), (True, 5, "enterprise_id"),
                                     (7, "5", "count")]:
        with pytest.raises(Invalid) as err:
            await write(db, segments.allocate_block, enterprise, count)
        assert err.value.field == field
    assert await read(db, segment_usage) == before


async def test_allocation_in_a_named_segment(db: Database) -> None:
    one = await write(db, segments.add_segment, BASE, BASE + 9)
    two = await write(db, segments.add_segment, BASE + 1000, BASE + 1999)
    block = await write(db, segments.allocate_block, 1, 5, segment_id=two["id"])
    assert block.segment_id == two["id"] and block.first == BASE + 1000
    with pytest.raises(Exhausted, match=f"segment {one['id']} has no run of 11"):
        await write(db, segments.allocate_block, 1, 11, segment_id=one["id"])


async def test_assign_takes_one_best_fit_run_when_it_can(db: Database) -> None:
    await write(db, segments.add_segment, BASE, BASE + 2_999_999)
    block = await write(db, segments.allocate_block, 1, 2_000_000)
    runs = await write(db, segments.assign_msisdns, 1, 10_000)
    assert runs == [(block.first, block.first + 9_999)]
    again = await write(db, segments.assign_msisdns, 1, 1)
    assert again == [(block.first + 10_000, block.first + 10_000)]
    usage = await read(db, enterprise_usage, 1)
    assert (usage["assigned"], usage["free"]) == (10_001, 2_000_000 - 10_001)


async def test_assign_from_fragments_uses_the_fewest_runs(db: Database) -> None:
    await write(db, segments.add_segment, BASE, BASE + 999)
    await write(db, segments.allocate_block, 1, 100)
    await write(db, segments.assign_msisdns, 1, 100)
    # free every 10th run of ten: runs of 10, 20 (two adjacent), 10 ...
    released = [BASE + n for n in range(100) if (n // 10) in (1, 2, 5, 8)]
    await write(db, segments.release_msisdns, released, now=NOW)
    await write(db, segments.expire_quarantine, NOW + dt.timedelta(days=90))
    runs = await write(db, segments.assign_msisdns, 1, 25)
    assert runs == [(BASE + 10, BASE + 29), (BASE + 50, BASE + 54)]  # largest (20), then best fit for 5
    with pytest.raises(Exhausted, match="enterprise 1 has 15 free numbers in its blocks, 16 requested"):
        await write(db, segments.assign_msisdns, 1, 16)
    with pytest.raises(Exhausted, match="enterprise 2 has no number block"):
        await write(db, segments.assign_msisdns, 2, 1)


async def test_release_quarantines_then_expiry_frees_and_merges(db: Database) -> None:
    await write(db, segments.add_segment, BASE, BASE + 99)
    block = await write(db, segments.allocate_block, 1, 50)
    await write(db, segments.assign_msisdns, 1, 50)
    await write(db, segments.release_msisdns, [block.first + 3, block.first + 4, block.first + 9], now=NOW)
    usage = (await read(db, segment_usage))[0]
    assert (usage["assigned"], usage["quarantined"], usage["allocated"], usage["stock"]) == (47, 3, 47, 50)
    async with db.read() as conn:
        untils = (await conn.execute(select(quarantine.c.until))).scalars().all()
    assert untils == [NOW + dt.timedelta(days=90)] * 2
    assert await write(db, segments.expire_quarantine, NOW + dt.timedelta(days=89)) == 0
    assert await write(db, segments.expire_quarantine, NOW + dt.timedelta(days=90)) == 3
    assert (await read(db, enterprise_usage, 1))["free"] == 3
    await write(db, segments.release_msisdns, [n for n in range(block.first, block.last + 1)
                                               if n - block.first not in (3, 4, 9)], now=NOW)
    await write(db, segments.expire_quarantine, NOW + dt.timedelta(days=365))
    async with db.read() as conn:
        assert await count_rows(conn, block_free) == 1  # merged back into one run
        await check_segment_invariants(conn)


async def test_cooling_off_period_is_configurable(db: Database) -> None:
    await write(db, profile.set_quarantine_days, 7)
    await write(db, segments.add_segment, BASE, BASE + 9)
    await write(db, segments.allocate_block, 1, 10)
    [(first, _)] = await write(db, segments.assign_msisdns, 1, 1)
    await write(db, segments.release_msisdns, [first], now=NOW)
    assert await write(db, segments.expire_quarantine, NOW + dt.timedelta(days=6)) == 0
    assert await write(db, segments.expire_quarantine, NOW + dt.timedelta(days=7)) == 1
    with pytest.raises(Invalid, match="0 to 3650 days"):
        await write(db, profile.set_quarantine_days, -1)


async def test_releasing_unassigned_numbers_is_refused_whole(db: Database) -> None:
    await write(db, segments.add_segment, BASE, BASE + 99)
    block = await write(db, segments.allocate_block, 1, 10)
    await write(db, segments.assign_msisdns, 1, 5)
    await write(db, segments.release_msisdns, [block.first], now=NOW)
    cases = [
        ([block.first + 1, block.first + 7], f"{block.first + 7} is not assigned: it is free in block {block.id}"),
        ([block.first + 1, block.first], f"{block.first} is already in quarantine until 2026-04-01"),
        ([block.first + 1, BASE + 50], f"{BASE + 50} is not assigned: it is in no enterprise's block"),
    ]
    for numbers, message in cases:
        with pytest.raises(Conflict, match=message):
            await write(db, segments.release_msisdns, numbers, now=NOW)
    with pytest.raises(Invalid, match="listed twice"):
        await write(db, segments.release_msisdns, [block.first + 1, block.first + 1])
    usage = await read(db, enterprise_usage, 1)
    assert (usage["assigned"], usage["quarantined"]) == (4, 1)  # block.first + 1 still assigned


async def test_a_block_in_use_cannot_be_given_back(db: Database) -> None:
    await write(db, segments.add_segment, BASE, BASE + 99)
    block = await write(db, segments.allocate_block, 1, 20)
    runs = await write(db, segments.assign_msisdns, 1, 2)
    with pytest.raises(Conflict, match="still has 2 numbers assigned") as err:
        await write(db, segments.release_block, block.id)
    assert err.value.code == "BLOCK_IN_USE"
    await write(db, segments.release_msisdns, [runs[0][0], runs[0][1]], now=NOW)
    released = await write(db, segments.release_block, block.id)
    assert released == block
    usage = (await read(db, segment_usage))[0]
    assert (usage["stock"], usage["quarantined"], usage["allocated"], usage["blocks"]) == (98, 2, 0, 0)
    # the quarantined pair waits out its 90 days, then goes back to stock, not to a block
    assert await write(db, segments.expire_quarantine, NOW + dt.timedelta(days=90)) == 2
    async with db.read() as conn:
        assert await count_rows(conn, segment_free) == 1
    assert (await read(db, segment_usage))[0]["stock"] == 100
    with pytest.raises(NotFound, match="no number block 1"):
        await write(db, segments.release_block, block.id)


@pytest.mark.parametrize(("args", "field"), [((BASE, BASE + 1, "x" * 201), "label"), ((str(BASE), BASE + 1), "first"),
                                             ((BASE, -1), "last")])
async def test_bad_arguments_name_the_field_and_add_nothing(db: Database, args: tuple, field: str) -> None:
    with pytest.raises(Invalid) as err:
        await write(db, segments.add_segment, *args)
    assert err.value.field == field
    assert await read(db, segment_usage) == []
