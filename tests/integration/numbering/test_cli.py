"""`carrier init --carrier`, `carrier segment ...` and `carrier pool ...` as a user runs them."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.support.cli import carrier
from tests.support.world import enterprises_up_to

BASE = 1440000000000


def ok(*args: str) -> dict:
    res = carrier(*args, "--json")
    assert res.code == 0, res.err
    return res.json()


def test_init_records_the_carrier_and_refuses_to_change_it_once_numbers_exist(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    assert ok("init", "--database-url", url)["carrier"] == "china-mobile"  # the default
    assert ok("init", "--carrier", "china-telecom", "--database-url", url)["carrier"] == "china-telecom"
    assert ok("init", "--database-url", url)["carrier"] == "china-telecom"  # kept, not reset to the default
    ok("segment", "add", "--first", "1410000000000", "--last", "1410000000999", "--database-url", url)
    res = carrier("init", "--carrier", "china-mobile", "--database-url", url)
    assert res.code == 1 and res.out == "" and res.err.count("\n") == 1
    assert res.err == "error: this database already holds 1 number segment(s) of China Telecom; " \
                      "it cannot become China Mobile\n"
    res = carrier("segment", "add", "--first", str(BASE), "--last", str(BASE + 9), "--database-url", url)
    assert res.code == 1 and "China Mobile IoT number, not China Telecom" in res.err


def test_segment_commands_print_the_contract_json(db_url: str) -> None:
    u = ("--database-url", db_url)
    asyncio.run(enterprises_up_to(db_url, 8))
    added = ok("segment", "add", "--first", str(BASE), "--last", str(BASE + 99_999), "--label", "north", *u)
    assert (added["first"], added["last"], added["total"], added["label"]) == (str(BASE), str(BASE + 99_999),
                                                                            100_000, "north")
    got = ok("segment", "allocate", "--enterprise", "7", "--count", "1000", *u)
    assert got == {"enterprise": 7, "first": str(BASE), "last": str(BASE + 999), "count": 1000}
    before = carrier("--json", "segment", "allocate", "--enterprise", "8", "--count", "10", *u)
    assert before.json() == {"enterprise": 8, "first": str(BASE + 1000), "last": str(BASE + 1009), "count": 10}
    [seg] = ok("segment", "list", *u)["items"]
    assert (seg["stock"], seg["allocated"], seg["blocks"], seg["used_percent"]) == (98_990, 1010, 2, 1.0)
    mine = ok("segment", "list", "--enterprise", "7", *u)
    assert (mine["allocated"], mine["free"], [b["first"] for b in mine["blocks"]]) == (1000, 1000, [str(BASE)])
    shown = ok("segment", "show", str(seg["id"]), *u)
    assert [b["enterprise_id"] for b in shown["block_list"]] == [7, 8]
    assert ok("segment", "release", str(BASE + 1000), *u)["enterprise"] == 8
    assert ok("segment", "cooling-off", "--days", "30", *u) == {"quarantine_days": 30}
    assert ok("segment", "expire", *u) == {"released": 0}


def test_segment_tables_are_readable(db_url: str) -> None:
    u = ("--database-url", db_url)
    asyncio.run(enterprises_up_to(db_url, 9))
    ok("segment", "add", "--first", str(BASE), "--last", str(BASE + 999), *u)
    ok("segment", "allocate", "--enterprise", "7", "--count", "100", *u)
    res = carrier("segment", "list", *u)
    header, _rule, row = res.out.splitlines()
    assert header.split() == ["ID", "FIRST", "LAST", "TOTAL", "STOCK", "ALLOCATED", "ASSIGNED", "QUARANTINED",
                              "USED%", "BLOCKS", "LABEL"]
    assert row.split() == ["1", str(BASE), str(BASE + 999), "1000", "900", "100", "0", "0", "10.0", "1"]
    res = carrier("segment", "allocate", "--enterprise", "9", "--count", "5", *u)
    assert res.out == f"enterprise 9: {BASE + 100}-{BASE + 104} (5 numbers, block 2 of segment 1)\n"


@pytest.mark.parametrize(("args", "needle"), [
    (("segment", "allocate", "--enterprise", "7", "--count", "0"), "count must be a positive integer, not 0"),
    (("segment", "allocate", "--enterprise", "7", "--count", "5000"), "the largest is 1000"),
    (("segment", "release", "1"), "no number block 1"),
    (("segment", "release", "--msisdn", str(BASE)), f"{BASE} is not assigned: it is in no enterprise's block"),
    (("segment", "show", "5"), "no number segment 5"),
    (("pool", "add", "10.0.0.1/8", "--apn", "iov"), "host bits set"),
    (("pool", "allocate", "--enterprise", "7", "--prefix-length", "24"), "no IP pool"),
    (("pool", "release", "10.0.0.0/24"), "no allocated prefix 10.0.0.0/24"),
    (("pool", "show", "3"), "no IP pool 3"),
])
def test_failures_are_one_line(db_url: str, args: tuple[str, ...], needle: str) -> None:
    asyncio.run(enterprises_up_to(db_url, 7))
    ok("segment", "add", "--first", str(BASE), "--last", str(BASE + 999), "--database-url", db_url)
    res = carrier(*args, "--database-url", db_url)
    assert res.code == 1 and res.out == "" and res.err.count("\n") == 1 and needle in res.err, res.err


def test_release_needs_exactly_one_kind_of_target(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    for args in (("segment", "release"), ("segment", "release", "1", "--msisdn", str(BASE)),
                 ("pool", "release"), ("pool", "release", "10.0.0.0/24", "--address", "10.0.0.1")):
        res = carrier(*args, "--database-url", url)
        assert res.code == 2 and "give either" in res.err


def test_pool_commands_print_the_contract_json(db_url: str) -> None:
    u = ("--database-url", db_url)
    asyncio.run(enterprises_up_to(db_url, 7))
    assert ok("pool", "add", "10.0.0.0/8", "--apn", "iov.carrier", *u)["cidr"] == "10.0.0.0/8"
    ok("pool", "add", "2001:db8::/32", "--apn", "iov6.carrier", *u)
    assert ok("pool", "allocate", "--enterprise", "7", "--prefix-length", "24", *u) == {
        "enterprise": 7, "prefix": "10.0.0.0/24"}
    assert ok("pool", "allocate", "--enterprise", "7", "--prefix-length", "64", "--apn", "iov6.carrier", *u) == {
        "enterprise": 7, "prefix": "2001:db8::/64"}
    pools = ok("pool", "list", *u)["items"]
    assert [(p["cidr"], p["allocated"], p["prefixes"]) for p in pools] == [
        ("10.0.0.0/8", "256", 1), ("2001:db8::/32", str(2**64), 1)]
    mine = ok("pool", "list", "--enterprise", "7", *u)["items"]
    assert [(p["prefix"], p["usable"]) for p in mine] == [("10.0.0.0/24", "254"), ("2001:db8::/64", str(2**64 - 1))]
    assert [p["prefix"] for p in ok("pool", "show", "10.0.0.0/8", *u)["prefix_list"]] == ["10.0.0.0/24"]
    assert ok("pool", "release", "10.0.0.0/24", *u) == {"enterprise": 7, "prefix": "10.0.0.0/24"}
    table = carrier("pool", "list", *u).out.splitlines()
    assert table[0].split()[:4] == ["ID", "POOL", "APN", "ADDRESSES"] and table[2].split()[3:5] == ["16777216", "0"]


def test_help_teaches_with_examples() -> None:
    for group, sub in [("segment", "add"), ("segment", "allocate"), ("segment", "release"), ("pool", "add"),
                       ("pool", "allocate"), ("pool", "release")]:
        res = carrier(group, sub, "--help")
        assert res.code == 0 and "Example" in res.out and f"carrier {group} {sub}" in res.out
    res = carrier("init", "--help")
    assert "--carrier [china-mobile|china-unicom|china-telecom]" in res.out
