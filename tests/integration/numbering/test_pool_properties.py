"""Random prefix and address operations against a naive netaddr model.

The model answers "first free /L" the slow, obvious way (every aligned candidate in
order, checked against an IPSet of what is allocated) and picks static addresses by
listing every usable address. The database, which never enumerates, must give the
same answer every time, and its utilisation must match.
"""

from __future__ import annotations

import netaddr
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from carrier_gateway.db import Database
from numbering.errors import Conflict, Exhausted
from numbering.ip import pools
from numbering.ip.pool_usage import pool_usage, prefix_usage
from tests.integration.numbering.helpers import wipe

POOL = netaddr.IPNetwork("192.0.2.0/26")
EXAMPLES = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
                    phases=[Phase.explicit, Phase.reuse, Phase.generate])


def first_free(allocated: dict[str, int], length: int) -> str | None:
    taken = netaddr.IPSet(allocated)
    for candidate in POOL.subnet(length):
        if not taken & netaddr.IPSet([candidate]):
            return str(candidate)
    return None


def usable(cidr: str) -> list[str]:
    net = netaddr.IPNetwork(cidr)
    hosts = list(net) if net.prefixlen >= 31 else list(net)[1:-1]
    return [str(ip) for ip in hosts]


@EXAMPLES
@given(st.data())
async def test_random_pool_operations_match_the_naive_model(db: Database, data: st.DataObject) -> None:
    await wipe(db)
    async with db.write() as conn:
        await pools.add_pool(conn, str(POOL), "iov")
    allocated: dict[str, int] = {}  # cidr -> enterprise
    assigned: set[str] = set()
    for _ in range(data.draw(st.integers(6, 14), label="steps")):
        op = data.draw(st.sampled_from(["allocate", "assign", "release", "give_back"]), label="op")
        async with db.write() as conn:
            if op == "allocate":
                ent, length = data.draw(st.integers(1, 2)), data.draw(st.integers(27, 32))
                expected = first_free(allocated, length)
                try:
                    got = (await pools.allocate_prefix(conn, ent, length)).cidr
                except Exhausted:
                    assert expected is None
                else:
                    assert got == expected
                    allocated[got] = ent
            elif op == "assign":
                ent, count = data.draw(st.integers(1, 2)), data.draw(st.integers(1, 6))
                mine = [netaddr.IPNetwork(c) for c, e in allocated.items() if e == ent]
                free = sorted(netaddr.IPAddress(a) for n in mine for a in usable(str(n)) if a not in assigned)
                try:
                    got_ips = await pools.assign_addresses(conn, ent, count)
                except Exhausted:
                    assert len(free) < count
                else:
                    assert got_ips == [str(a) for a in free[:count]]
                    assigned |= set(got_ips)
            elif op == "release" and assigned:
                pick = data.draw(st.lists(st.sampled_from(sorted(assigned)), min_size=1, max_size=4, unique=True))
                await pools.release_addresses(conn, pick)
                assigned -= set(pick)
            elif op == "give_back" and allocated:
                cidr = data.draw(st.sampled_from(sorted(allocated)))
                busy = any(netaddr.IPAddress(a) in netaddr.IPNetwork(cidr) for a in assigned)
                try:
                    await pools.release_prefix(conn, cidr)
                except Conflict:
                    assert busy
                else:
                    assert not busy
                    del allocated[cidr]
            [usage] = await pool_usage(conn)
            prefixes = await prefix_usage(conn)
        assert int(usage["allocated"]) == netaddr.IPSet(allocated).size
        assert usage["assigned_addresses"] == len(assigned) and usage["prefixes"] == len(allocated)
        assert {p["prefix"]: p["assigned"] for p in prefixes} == {
            c: sum(1 for a in assigned if netaddr.IPAddress(a) in netaddr.IPNetwork(c)) for c in allocated}
