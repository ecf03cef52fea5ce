"""`carrier segment ...`: the carrier's IoT number stock and the blocks given to enterprises."""

# Domain, database, web and crypto modules are imported inside the functions that use them,
# so `carrier GROUP --help` loads none of them (tests/unit/cli/test_light_cli.py).

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from carrier_gateway.commands.base import CarrierGroup, emit, run, table
from carrier_gateway.commands.enterprises import cli_actor

if TYPE_CHECKING:
    from carrier_gateway.db import Database
    from numbering.msisdn import segments

SEGMENT_COLUMNS = [("id", "ID"), ("first", "FIRST"), ("last", "LAST"), ("total", "TOTAL"), ("stock", "STOCK"),
                   ("allocated", "ALLOCATED"), ("assigned", "ASSIGNED"), ("quarantined", "QUARANTINED"),
                   ("used_percent", "USED%"), ("blocks", "BLOCKS"), ("label", "LABEL")]
BLOCK_COLUMNS = [("id", "BLOCK"), ("enterprise_id", "ENTERPRISE"), ("segment_id", "SEGMENT"), ("first", "FIRST"),
                 ("last", "LAST"), ("count", "COUNT"), ("free", "FREE"), ("assigned", "ASSIGNED"),
                 ("quarantined", "QUARANTINED")]


def _with_percent(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**r, "used_percent": round(100.0 * (r["total"] - r["stock"]) / r["total"], 1)} for r in rows]


@click.group("segment", cls=CarrierGroup)
def segment_group() -> None:
    """IoT number segments: the carrier's stock of 13-digit numbers (1440x, 1441x, 148xx for
    China Mobile; 146xx China Unicom; 1410x China Telecom) and the contiguous blocks it
    gives enterprises, from which their cards get numbers.

    \b
    Example:
      carrier segment add --first 1440000000000 --last 1440000999999 --label north
      carrier segment allocate --enterprise 7 --count 10000
      carrier segment list
    """


@segment_group.command("add")
@click.option("--first", type=int, required=True, help="First number of the range (13 digits).")
@click.option("--last", type=int, required=True, help="Last number of the range, inclusive.")
@click.option("--label", default="", help="A name for the range, e.g. the province it serves.")
def segment_add(first: int, last: int, label: str) -> None:
    """Add a range of IoT numbers to stock.

    Both ends must be in the carrier's IoT prefixes (see `carrier init --carrier`), not
    in a reserved prefix, and the range must not overlap an existing segment.

    \b
    Example:
      carrier segment add --first 1440000000000 --last 1440000999999
    """
    from provisioning.resources import numbers

    async def go(db: Database) -> dict[str, Any]:
        async with db.write() as conn:
            seg = await numbers.add_segment(conn, first, last, label, actor=cli_actor())
        return {**seg, "first": str(first), "last": str(last)}

    seg = run(go)
    emit(seg, f"segment {seg['id']} added: {seg['first']}-{seg['last']} ({seg['total']} numbers)")


@segment_group.command("allocate")
@click.option("--enterprise", "enterprise_id", type=int, required=True, help="Enterprise id.")
@click.option("--count", type=int, required=True, help="How many numbers, in one contiguous block.")
@click.option("--segment", "segment_id", type=int, help="Take them from this segment only.")
def segment_allocate(enterprise_id: int, count: int, segment_id: int | None) -> None:
    """Give an enterprise one contiguous block of COUNT numbers.

    The block comes from the smallest free run that holds it (best fit), so the stock
    stays in large pieces. Cards issued to the enterprise take their numbers from it.

    \b
    Example:
      carrier segment allocate --enterprise 7 --count 10000
    """
    from provisioning.resources import numbers

    async def go(db: Database) -> segments.Block:
        async with db.write() as conn:
            return await numbers.allocate_block(conn, enterprise_id, count, segment_id=segment_id, actor=cli_actor())

    b = run(go)
    emit({"enterprise": b.enterprise_id, "first": str(b.first), "last": str(b.last), "count": b.count},
         f"enterprise {b.enterprise_id}: {b.first}-{b.last} ({b.count} numbers, block {b.id} of segment "
         f"{b.segment_id})")


@segment_group.command("release")
@click.argument("block", type=int, required=False)
@click.option("--msisdn", "msisdns", type=int, multiple=True,
              help="Put this assigned number into quarantine instead (repeatable).")
def segment_release(block: int | None, msisdns: tuple[int, ...]) -> None:
    """Give a block back to stock, or put numbers into quarantine.

    BLOCK is a block id or the block's first number; it is refused while any of its
    numbers is assigned to a card. With --msisdn, the numbers cool off for the
    carrier's quarantine period (90 days by default) before anyone can get them.

    \b
    Examples:
      carrier segment release 1440000000000
      carrier segment release --msisdn 1440000000007 --msisdn 1440000000008
    """
    from provisioning.resources import numbers

    if (block is None) == (not msisdns):
        raise click.UsageError("give either a BLOCK or --msisdn numbers")

    async def go(db: Database) -> dict[str, Any]:
        async with db.write() as conn:
            if block is not None:
                b = await numbers.release_block(conn, block, actor=cli_actor())
                return {"enterprise": b.enterprise_id, "first": str(b.first), "last": str(b.last), "count": b.count}
            done = await numbers.quarantine_msisdns(conn, list(msisdns), actor=cli_actor())
            return {"quarantined": [str(n) for n in msisdns], "days": done.days}

    out = run(go)
    if "quarantined" in out:
        emit(out, f"{len(out['quarantined'])} number(s) in quarantine for {out['days']} days")
    else:
        emit(out, f"block {out['first']}-{out['last']} of enterprise {out['enterprise']} is back in stock")


@segment_group.command("list")
@click.option("--enterprise", "enterprise_id", type=int, help="Show this enterprise's blocks instead.")
def segment_list(enterprise_id: int | None) -> None:
    """Segments with their utilisation (or one enterprise's blocks).

    STOCK + ALLOCATED + QUARANTINED = TOTAL; ASSIGNED is the part of ALLOCATED held by cards.
    """
    from numbering.msisdn import usage

    async def go(db: Database) -> dict[str, Any]:
        async with db.read() as conn:
            if enterprise_id is not None:
                return await usage.enterprise_usage(conn, enterprise_id)
            return {"items": _with_percent(await usage.segment_usage(conn))}

    out = run(go)
    if enterprise_id is None:
        emit(out, lambda: table(out["items"], SEGMENT_COLUMNS))
    else:
        emit(out, lambda: table(out["blocks"], BLOCK_COLUMNS) + "\n\n" + table(
            [out], [("allocated", "ALLOCATED"), ("free", "FREE"), ("assigned", "ASSIGNED"),
                    ("quarantined", "QUARANTINED")]))


@segment_group.command("show")
@click.argument("segment_id", type=int)
def segment_show(segment_id: int) -> None:
    """One segment's utilisation and its blocks."""
    from numbering.msisdn import usage

    async def go(db: Database) -> dict[str, Any]:
        async with db.read() as conn:
            [seg] = _with_percent(await usage.segment_usage(conn, segment_id))
            return {**seg, "block_list": await usage.block_usage(conn, segment_id=segment_id)}

    seg = run(go)
    emit(seg, lambda: table([seg], SEGMENT_COLUMNS) + "\n\n" + table(seg["block_list"], BLOCK_COLUMNS))


@segment_group.command("expire")
def segment_expire() -> None:
    """Return numbers whose cooling-off has ended to their block (or to stock)."""
    from numbering.msisdn import segments

    async def go(db: Database) -> int:
        async with db.write() as conn:
            return await segments.expire_quarantine(conn)

    freed = run(go)
    emit({"released": freed}, f"{freed} number(s) left quarantine")


@segment_group.command("cooling-off")
@click.option("--days", type=int, help="Set the quarantine period of numbers released from now on.")
def segment_cooling_off(days: int | None) -> None:
    """Show or set how long a released number is frozen before reuse (default 90 days)."""
    from numbering.identifiers import profile
    from provisioning.resources import numbers

    async def go(db: Database) -> int:
        async with db.write() as conn:
            if days is None:
                return (await profile.get_profile(conn)).quarantine_days
            prof = await numbers.set_cooling_off(conn, days, actor=cli_actor())
            return prof.quarantine_days

    value = run(go)
    emit({"quarantine_days": value}, f"released numbers cool off for {value} days")


COMMANDS = [segment_group]
