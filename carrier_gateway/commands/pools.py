"""`carrier pool ...`: IPv4/IPv6 pools per APN and the prefixes given to enterprises."""

# Domain, database, web and crypto modules are imported inside the functions that use them,
# so `carrier GROUP --help` loads none of them (tests/unit/cli/test_light_cli.py).

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from carrier_gateway.commands.base import CarrierGroup, emit, run, table
from carrier_gateway.commands.enterprises import cli_actor
from numbering.errors import NotFound

if TYPE_CHECKING:
    from carrier_gateway.db import Database
    from numbering.ip import pools

POOL_COLUMNS = [("id", "ID"), ("cidr", "POOL"), ("apn", "APN"), ("size", "ADDRESSES"), ("allocated", "ALLOCATED"),
                ("allocated_percent", "USED%"), ("prefixes", "PREFIXES"), ("assigned_addresses", "STATIC IPS"),
                ("label", "LABEL")]
PREFIX_COLUMNS = [("id", "ID"), ("prefix", "PREFIX"), ("enterprise_id", "ENTERPRISE"), ("pool_id", "POOL"),
                  ("apn", "APN"), ("usable", "USABLE"), ("assigned", "ASSIGNED"), ("free", "FREE")]


def _numeric(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Address counts travel as decimal strings (they outgrow JSON numbers); tables right-align ints."""
    big = ("size", "allocated", "free", "usable")
    return [{k: int(v) if k in big and isinstance(v, str) else v for k, v in r.items()} for r in rows]


@click.group("pool", cls=CarrierGroup)
def pool_group() -> None:
    """IP pools: IPv4 and IPv6 address space per APN, sub-prefixes given to enterprises,
    and the static addresses their cards get from those prefixes.

    \b
    Example:
      carrier pool add 10.0.0.0/8 --apn iov.carrier
      carrier pool allocate --enterprise 7 --prefix-length 24
      carrier pool list
    """


@pool_group.command("add")
@click.argument("cidr")
@click.option("--apn", required=True, help="The APN whose cards get addresses from this pool.")
@click.option("--label", default="", help="A note for people, e.g. what the pool serves.")
def pool_add(cidr: str, apn: str, label: str) -> None:
    """Add an IPv4 or IPv6 pool CIDR for an APN.

    Pools never overlap, even across APNs, so an address names one card.

    \b
    Examples:
      carrier pool add 10.0.0.0/8 --apn iov.carrier
      carrier pool add 2001:db8::/32 --apn iov.carrier
    """
    from provisioning.resources import addresses as addresses_uc

    async def go(db: Database) -> dict[str, Any]:
        async with db.write() as conn:
            pool = await addresses_uc.add_pool(conn, cidr, apn, label, actor=cli_actor())
            return pool

    pool = run(go)
    emit(pool, f"pool {pool['id']} added: {pool['cidr']} for APN {pool['apn']}")


@pool_group.command("allocate")
@click.option("--enterprise", "enterprise_id", type=int, required=True, help="Enterprise id.")
@click.option("--prefix-length", type=click.IntRange(0, 128), required=True,
              help="Length of the sub-prefix, e.g. 24 (IPv4) or 64 (IPv6).")
@click.option("--apn", help="Only pools of this APN.")
@click.option("--pool", "pool_id", type=int, help="Only this pool.")
def pool_allocate(enterprise_id: int, prefix_length: int, apn: str | None, pool_id: int | None) -> None:
    """Give an enterprise the first free sub-prefix of a length.

    The lowest free aligned prefix of the first pool (by id) that has one. Cards with
    --static-ip get usable addresses from it (no IPv4 network or broadcast address,
    no IPv6 subnet-router anycast address).

    \b
    Example:
      carrier pool allocate --enterprise 7 --prefix-length 24 --apn iov.carrier
    """
    from provisioning.resources import addresses as addresses_uc

    async def go(db: Database) -> pools.Prefix:
        async with db.write() as conn:
            return await addresses_uc.allocate_prefix(conn, enterprise_id, prefix_length, apn=apn, pool_id=pool_id,
                                                      actor=cli_actor())

    p = run(go)
    emit({"enterprise": p.enterprise_id, "prefix": p.cidr},
         f"enterprise {p.enterprise_id}: {p.cidr} (prefix {p.id} of pool {p.pool_id})")


@pool_group.command("release")
@click.argument("prefix", required=False)
@click.option("--address", "addresses", multiple=True, help="Give this static address back instead (repeatable).")
def pool_release(prefix: str | None, addresses: tuple[str, ...]) -> None:
    """Give a prefix back to its pool, or static addresses back to their prefix.

    PREFIX is the CIDR or the prefix id; it is refused while cards hold addresses in it.

    \b
    Examples:
      carrier pool release 10.0.0.0/24
      carrier pool release --address 10.0.0.7
    """
    from provisioning.resources import addresses as addresses_uc

    if (prefix is None) == (not addresses):
        raise click.UsageError("give either a PREFIX or --address addresses")

    async def go(db: Database) -> dict[str, Any]:
        async with db.write() as conn:
            if prefix is not None:
                p = await addresses_uc.release_prefix(conn, prefix, actor=cli_actor())
                return {"enterprise": p.enterprise_id, "prefix": p.cidr}
            await addresses_uc.release_addresses(conn, list(addresses), actor=cli_actor())
            return {"released": list(addresses)}

    out = run(go)
    if "prefix" in out:
        emit(out, f"{out['prefix']} of enterprise {out['enterprise']} is back in its pool")
    else:
        emit(out, f"{len(out['released'])} address(es) released")


@pool_group.command("list")
@click.option("--enterprise", "enterprise_id", type=int, help="Show this enterprise's prefixes instead.")
def pool_list(enterprise_id: int | None) -> None:
    """Pools with their utilisation (or one enterprise's prefixes)."""
    from numbering.ip import pool_usage

    async def go(db: Database) -> list[dict[str, Any]]:
        async with db.read() as conn:
            if enterprise_id is not None:
                return await pool_usage.prefix_usage(conn, enterprise_id=enterprise_id)
            return await pool_usage.pool_usage(conn)

    items = run(go)
    columns = PREFIX_COLUMNS if enterprise_id is not None else POOL_COLUMNS
    emit({"items": items}, lambda: table(_numeric(items), columns))


@pool_group.command("show")
@click.argument("pool")
def pool_show(pool: str) -> None:
    """One pool (by id or CIDR), its utilisation and its prefixes."""
    from numbering.ip import pool_usage

    async def go(db: Database) -> dict[str, Any]:
        async with db.read() as conn:
            listed = await pool_usage.pool_usage(conn)
            match = [p for p in listed if str(p["id"]) == pool or p["cidr"] == pool]
            if not match:
                raise NotFound(f"no IP pool {pool}")
            return {**match[0], "prefix_list": await pool_usage.prefix_usage(conn, pool_id=match[0]["id"])}

    out = run(go)
    emit(out, lambda: "\n\n".join([table(_numeric([out]), POOL_COLUMNS),
                                     table(_numeric(out["prefix_list"]), PREFIX_COLUMNS)]))


COMMANDS = [pool_group]
