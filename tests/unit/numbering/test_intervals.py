"""Allocation math: runs, best fit, fewest runs, canonical CIDR split, hex keys."""

from __future__ import annotations

import netaddr
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numbering import intervals, ipspace
from numbering.intervals import best_fit, cidr_blocks, plan_take, remainder, runs_of


def test_remainder_and_runs() -> None:
    assert remainder((10, 20), (10, 20)) == []
    assert remainder((10, 20), (10, 12)) == [(13, 20)]
    assert remainder((10, 20), (18, 20)) == [(10, 17)]
    with pytest.raises(ValueError, match="not inside"):
        remainder((10, 20), (9, 12))
    assert runs_of([]) == [] and runs_of([5, 5, 6]) == [(5, 6)]


def test_best_fit_prefers_the_smallest_then_the_lowest() -> None:
    free = [(100, 199), (0, 9), (50, 59), (300, 304)]
    assert best_fit(free, 10) == (0, 9)
    assert best_fit(free, 11) == (100, 199)
    assert best_fit(free, 101) is None


@st.composite
def free_runs(draw: st.DrawFn) -> list[tuple[int, int]]:
    sizes = draw(st.lists(st.integers(1, 30), min_size=1, max_size=12))
    gaps = draw(st.lists(st.integers(1, 5), min_size=len(sizes), max_size=len(sizes)))
    runs, at = [], 0
    for size, gap in zip(sizes, gaps, strict=True):
        runs.append((at, at + size - 1))
        at += size + gap
    return draw(st.permutations(runs))


@settings(max_examples=200)
@given(free_runs(), st.data())
def test_plan_take_takes_exactly_count_in_the_fewest_runs(free: list[tuple[int, int]], data: st.DataObject) -> None:
    total = sum(intervals.size(r) for r in free)
    count = data.draw(st.integers(1, total))
    plan = plan_take(free, count)
    assert sum(intervals.size(r) for r in plan) == count
    values = [v for r in plan for v in range(r[0], r[1] + 1)]
    assert len(values) == len(set(values))
    assert all(any(f[0] <= r[0] and r[1] <= f[1] for f in free) for r in plan)
    sizes = sorted((intervals.size(r) for r in free), reverse=True)
    fewest = next(k for k in range(1, len(sizes) + 1) if sum(sizes[:k]) >= count)
    assert len(plan) == fewest


def test_plan_take_refuses_more_than_there_is() -> None:
    with pytest.raises(ValueError, match="only 5 free"):
        plan_take([(0, 4)], 6)


@settings(max_examples=300)
@given(st.integers(0, 2**128 - 1), st.integers(0, 2**40))
def test_cidr_blocks_match_netaddr_and_are_aligned(first: int, span: int) -> None:
    last = min(first + span, 2**128 - 1)
    blocks = cidr_blocks(first, last)
    expected = netaddr.iprange_to_cidrs(netaddr.IPAddress(first, 6), netaddr.IPAddress(last, 6))
    assert [(start, length) for start, length in blocks] == [(c.first, c.prefixlen) for c in expected]
    for start, length in blocks:
        assert start % (1 << (128 - length)) == 0


@given(st.integers(0, 2**128 - 1), st.integers(0, 2**128 - 1))
def test_hex_keys_sort_like_the_numbers(a: int, b: int) -> None:
    assert (ipspace.to_key(a) < ipspace.to_key(b)) == (a < b)
    assert len(ipspace.to_key(a)) == 32 and ipspace.from_key(ipspace.to_key(a)) == a


@pytest.mark.parametrize(("cidr", "needle"), [
    ("10.0.0.0", "write the prefix length"), ("10.0.0.1/8", "host bits set: the network is 10.0.0.0/8"),
    ("::ffff:10.0.0.0/104", "IPv4-mapped"), ("banana/8", "not an IPv4 or IPv6 CIDR"),
    ("10.0.0.0/33", "not an IPv4 or IPv6 CIDR"),
])
def test_parse_network_errors(cidr: str, needle: str) -> None:
    with pytest.raises(ValueError, match=needle):
        ipspace.parse_network(cidr)


@pytest.mark.parametrize(("cidr", "first", "last"), [
    ("192.0.2.0/24", "192.0.2.1", "192.0.2.254"),  # no network, no broadcast
    ("192.0.2.0/30", "192.0.2.1", "192.0.2.2"),
    ("192.0.2.0/31", "192.0.2.0", "192.0.2.1"),  # RFC 3021 point-to-point
    ("192.0.2.7/32", "192.0.2.7", "192.0.2.7"),
    ("2001:db8::/64", "2001:db8::1", "2001:db8::ffff:ffff:ffff:ffff"),  # no subnet-router anycast
    ("2001:db8::/127", "2001:db8::", "2001:db8::1"),  # RFC 6164
    ("2001:db8::5/128", "2001:db8::5", "2001:db8::5"),
])
def test_usable_address_rules(cidr: str, first: str, last: str) -> None:
    lo, hi = ipspace.usable(ipspace.parse_network(cidr))
    assert (ipspace.address_text(lo), ipspace.address_text(hi)) == (first, last)


def test_ipv4_and_ipv6_never_share_keys_and_round_trip() -> None:
    v4 = ipspace.parse_network("0.0.0.0/0")
    v6 = ipspace.parse_network("::/96")
    assert v4.last < (1 << 128) and not intervals.overlaps((v4.first, v4.last), (v6.first, v6.last))
    assert str(v4) == "0.0.0.0/0" and v4.native_prefixlen == 0 and v6.native_prefixlen == 96
    assert ipspace.address_text(ipspace.parse_address("10.1.2.3")) == "10.1.2.3"
    assert ipspace.address_text(ipspace.parse_address("2001:DB8::1")) == "2001:db8::1"
    with pytest.raises(ValueError, match="not an IPv4 or IPv6 address"):
        ipspace.parse_address("10.1.2")
