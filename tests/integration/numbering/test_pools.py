"""IP pools on real databases: first-free prefixes, usable addresses, release, utilisation."""

from __future__ import annotations

import re

import pytest

from carrier_gateway.db import Database
from numbering.errors import Conflict, Exhausted, Invalid, NotFound
from numbering.ip import pools
from numbering.ip.pool_usage import pool_usage, prefix_usage
from numbering.tables import pool_free
from tests.integration.numbering.helpers import count_rows, read, write


async def test_pools_are_added_per_apn_and_never_overlap(db: Database) -> None:
    v4 = await write(db, pools.add_pool, "10.0.0.0/8", "IoV.Example", "tbox")
    v6 = await write(db, pools.add_pool, "2001:db8::/32", "iov.example")
    assert (v4["apn"], v4["version"], v6["version"], v6["cidr"]) == ("iov.example", 4, 6, "2001:db8::/32")
    for cidr, apn in [("10.20.0.0/16", "iov.example"), ("10.20.0.0/16", "other.apn"), ("0.0.0.0/0", "x"),
                      ("2001:db8:1::/48", "x")]:
        with pytest.raises(Conflict, match="overlaps pool") as err:
            await write(db, pools.add_pool, cidr, apn)
        assert err.value.code == "POOL_OVERLAP"
    assert len(await read(db, pool_usage)) == 2


@pytest.mark.parametrize(("cidr", "apn", "field", "needle"), [
    ("10.0.0.1/8", "iov", "cidr", "host bits set: the network is 10.0.0.0/8"),
    ("10.0.0.0", "iov", "cidr", "prefix length"),
    ("10.0.0.0/8", "bad apn!", "apn", "is not an APN"),
    ("10.0.0.0/8", "-iov", "apn", "is not an APN"),
    ("10.0.0.0/8", "a" * 64, "apn", "at most 63"),
])
async def test_bad_pools_are_precise_errors(db: Database, cidr: str, apn: str, field: str, needle: str) -> None:
    with pytest.raises(Invalid, match=needle) as err:
        await write(db, pools.add_pool, cidr, apn)
    assert err.value.field == field
    assert await read(db, pool_usage) == []


async def test_prefixes_are_the_first_free_aligned_ones(db: Database) -> None:
    await write(db, pools.add_pool, "10.0.0.0/8", "iov")
    got = [(await write(db, pools.allocate_prefix, 1, length)).cidr for length in (24, 24, 16, 25, 23)]
    assert got == ["10.0.0.0/24", "10.0.1.0/24", "10.1.0.0/16", "10.0.2.0/25", "10.0.4.0/23"]
    await write(db, pools.release_prefix, "10.0.0.0/24")
    assert (await write(db, pools.allocate_prefix, 2, 26)).cidr == "10.0.0.0/26"
    assert (await write(db, pools.allocate_prefix, 2, 24)).cidr == "10.0.3.0/24"  # 10.0.0.0/24 is split now
    assert (await write(db, pools.allocate_prefix, 2, 8 + 0 + 24)).cidr == "10.0.0.64/32"


async def test_ipv6_prefixes_and_length_rules(db: Database) -> None:
    await write(db, pools.add_pool, "2001:db8::/32", "iov6")
    await write(db, pools.add_pool, "192.0.2.0/24", "iov4")
    assert (await write(db, pools.allocate_prefix, 1, 64)).cidr == "2001:db8::/64"
    assert (await write(db, pools.allocate_prefix, 1, 48)).cidr == "2001:db8:1::/48"
    assert (await write(db, pools.allocate_prefix, 1, 64, apn="iov6")).cidr == "2001:db8:0:1::/64"
    assert (await write(db, pools.allocate_prefix, 1, 28)).cidr == "192.0.2.0/28"  # only the v4 pool fits /28
    with pytest.raises(Invalid, match="no pool for APN iov4 can hold a /64"):
        await write(db, pools.allocate_prefix, 1, 64, apn="iov4")
    with pytest.raises(Invalid, match="no pool can hold a /16"):
        await write(db, pools.allocate_prefix, 1, 16)
    with pytest.raises(Invalid, match="prefix length must be 0 to 128"):
        await write(db, pools.allocate_prefix, 1, 129)
    with pytest.raises(NotFound, match="no IP pool for APN nowhere"):
        await write(db, pools.allocate_prefix, 1, 24, apn="nowhere")


async def test_a_full_pool_is_exhausted_and_release_merges_it_back(db: Database) -> None:
    await write(db, pools.add_pool, "192.0.2.0/24", "iov")
    quarters = [await write(db, pools.allocate_prefix, i, 26) for i in (1, 2, 3, 4)]
    with pytest.raises(Exhausted, match=re.escape("no free /30 left in the pools (192.0.2.0/24)")):
        await write(db, pools.allocate_prefix, 5, 30)
    for p in (quarters[1], quarters[3], quarters[0], quarters[2]):
        await write(db, pools.release_prefix, p.id)
    async with db.read() as conn:
        assert await count_rows(conn, pool_free) == 1  # one /24 again
    usage = (await read(db, pool_usage))[0]
    assert (usage["allocated"], usage["free"], usage["prefixes"]) == ("0", "256", 0)


async def test_addresses_skip_network_broadcast_and_anycast(db: Database) -> None:
    await write(db, pools.add_pool, "192.0.2.0/24", "iov4")
    await write(db, pools.add_pool, "2001:db8::/32", "iov6")
    await write(db, pools.allocate_prefix, 1, 30, apn="iov4")
    await write(db, pools.allocate_prefix, 1, 31, apn="iov4")
    await write(db, pools.allocate_prefix, 1, 64, apn="iov6")
    assert await write(db, pools.assign_addresses, 1, 4, apn="iov4") == [
        "192.0.2.1", "192.0.2.2", "192.0.2.4", "192.0.2.5"]  # /30 without .0 and .3, then the whole /31
    assert await write(db, pools.assign_addresses, 1, 2, apn="iov6") == ["2001:db8::1", "2001:db8::2"]
    with pytest.raises(Exhausted, match="enterprise 1 has 0 free static addresses for APN iov4, 1 requested"):
        await write(db, pools.assign_addresses, 1, 1, apn="iov4")
    with pytest.raises(Exhausted, match="enterprise 2 has no IP prefix"):
        await write(db, pools.assign_addresses, 2, 1)


async def test_released_addresses_come_back_lowest_first(db: Database) -> None:
    await write(db, pools.add_pool, "10.0.0.0/8", "iov")
    prefix = await write(db, pools.allocate_prefix, 7, 24)
    first = await write(db, pools.assign_addresses, 7, 10)
    await write(db, pools.release_addresses, ["10.0.0.3", "10.0.0.4", "10.0.0.9"])
    assert await write(db, pools.assign_addresses, 7, 4) == ["10.0.0.3", "10.0.0.4", "10.0.0.9", "10.0.0.11"]
    [row] = await read(db, prefix_usage, enterprise_id=7)
    assert (row["usable"], row["assigned"], row["free"], row["prefix"]) == ("254", 11, "243", prefix.cidr)
    assert first[0] == "10.0.0.1"


async def test_release_errors_change_nothing(db: Database) -> None:
    await write(db, pools.add_pool, "10.0.0.0/8", "iov")
    prefix = await write(db, pools.allocate_prefix, 7, 24)
    await write(db, pools.assign_addresses, 7, 3)
    with pytest.raises(Conflict, match=re.escape("10.0.0.200 is not assigned to any card")):
        await write(db, pools.release_addresses, ["10.0.0.1", "10.0.0.200"])
    with pytest.raises(Invalid, match="listed twice"):
        await write(db, pools.release_addresses, ["10.0.0.1", "10.0.0.1"])
    with pytest.raises(Invalid, match="not an IPv4 or IPv6 address"):
        await write(db, pools.release_addresses, ["10.0.0"])
    with pytest.raises(Conflict, match="still has 3 static addresses") as err:
        await write(db, pools.release_prefix, prefix.cidr)
    assert err.value.code == "PREFIX_IN_USE"
    assert (await read(db, prefix_usage, enterprise_id=7))[0]["assigned"] == 3
    await write(db, pools.release_addresses, ["10.0.0.1", "10.0.0.2", "10.0.0.3"])
    assert (await write(db, pools.release_prefix, prefix.id)).cidr == "10.0.0.0/24"
    with pytest.raises(NotFound, match=re.escape("no allocated prefix 10.0.0.0/24")):
        await write(db, pools.release_prefix, "10.0.0.0/24")


async def test_pool_utilisation_counts_big_ipv6_numbers_exactly(db: Database) -> None:
    await write(db, pools.add_pool, "2001:db8::/32", "iov6")
    for _ in range(3):
        await write(db, pools.allocate_prefix, 1, 64)
    await write(db, pools.assign_addresses, 1, 5)
    [usage] = await read(db, pool_usage)
    assert usage["size"] == str(2**96) and usage["allocated"] == str(3 * 2**64)
    assert int(usage["free"]) + int(usage["allocated"]) == 2**96
    assert (usage["prefixes"], usage["assigned_addresses"]) == (3, 5)


async def test_a_pool_label_is_bounded(db: Database) -> None:
    with pytest.raises(Invalid, match="at most 200 characters") as err:
        await write(db, pools.add_pool, "10.0.0.0/8", "iov", "x" * 201)
    assert err.value.field == "label" and await read(db, pool_usage) == []
