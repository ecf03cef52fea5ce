"""`carrier cards ...`: bulk issuance, look-ups, services explained, lifecycle transitions."""

# Domain, database, web and crypto modules are imported inside the functions that use them,
# so `carrier GROUP --help` loads none of them (tests/unit/cli/test_light_cli.py).

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from carrier_gateway.commands.base import CarrierGroup, emit, run, table
from carrier_gateway.commands.enterprises import cli_actor
from provisioning.cards import limits
from provisioning.cards.states import USAGES

if TYPE_CHECKING:
    from carrier_gateway.db import Database
    from provisioning.cards import issuance


@click.group("cards", cls=CarrierGroup)
def cards_group() -> None:
    """Cards: issue them in bulk, look them up, explain their services, move them
    through their lifecycle (INVENTORY, TEST, PENDING, ACTIVE, SUSPENDED, TERMINATED).

    Start with `carrier cards issue --enterprise E --count N --usage TBOX`.
    """


def _order_line(order: issuance.Order) -> str:
    line = (f"order {order.id}: {order.issued:,} of {order.count:,} {order.usage} cards issued "
            f"({order.first_iccid} .. {order.last_iccid}), {order.status}")
    return f"{line}: {order.stopped_reason}" if order.stopped_reason else line


def _order_doc(order: issuance.Order) -> dict[str, Any]:
    return {**order.to_dict(), "count": order.count}


@cards_group.command("issue")
@click.option("--enterprise", "enterprise_id", type=int, help="Enterprise that bought the cards.")
@click.option("--count", type=click.IntRange(1, limits.MAX_ORDER), help="Number of cards.")
@click.option("--usage", type=click.Choice(USAGES), help="What the cards are for; fixes their service ceiling.")
@click.option("--static-ip", is_flag=True, help="Give each card a static IP from the enterprise's prefix.")
@click.option("--chunk-size", type=click.IntRange(limits.MIN_CHUNK, limits.MAX_CHUNK),
              default=limits.DEFAULT_CHUNK, show_default=True, help="Cards per transaction.")
@click.option("--resume", "resume_id", type=int, help="Continue an interrupted order instead of starting one.")
def cards_issue(enterprise_id: int | None, count: int | None, usage: str | None, static_ip: bool, chunk_size: int,
                resume_id: int | None) -> None:
    """Issue cards: each gets an ICCID, an IMSI, an MSISDN from the enterprise's block
    and optionally a static IP. Runs in the foreground; progress goes to stderr.

    Each chunk commits on its own, so an interrupted order loses nothing: resume it
    with `carrier cards issue --resume ORDER_ID` (a STOPPED order too, once numbers or
    addresses are added). A running `carrier serve` also continues any open order.
    """
    from provisioning.cards import issuance, orders

    if resume_id is None and (enterprise_id is None or count is None or usage is None):
        raise click.UsageError("give --enterprise, --count and --usage (or --resume ORDER_ID)")
    actor = cli_actor()

    async def go(db: Database) -> issuance.Order:
        if resume_id is None:
            assert enterprise_id is not None and count is not None and usage is not None
            async with db.write() as conn:
                order = await issuance.create_order(conn, enterprise_id, count, usage, actor=actor,
                                                    static_ip=static_ip, chunk_size=chunk_size)
        else:
            async with db.read() as conn:
                order = await orders.get_order(conn, resume_id)
        click.echo(f"order {order.id}: issuing {order.count - order.issued:,} cards", err=True)
        with click.progressbar(length=order.count, label=f"order {order.id}", file=sys.stderr,
                               show_pos=True) as bar:
            bar.update(order.issued)
            done = order.issued

            def progress(current: issuance.Order) -> None:
                nonlocal done
                bar.update(current.issued - done)
                done = current.issued

            return await issuance.run_order(db.write, order.id, actor=actor, progress=progress)

    order = run(go)
    emit(_order_doc(order), _order_line(order))


@cards_group.command("orders")
@click.option("--enterprise", "enterprise_id", type=int, help="Only this enterprise's orders.")
@click.option("--open", "only_open", is_flag=True, help="Only orders not yet complete.")
def cards_orders(enterprise_id: int | None, only_open: bool) -> None:
    """List recent orders with their progress (newest first)."""
    from provisioning.cards import orders

    async def go(db: Database) -> list[dict[str, Any]]:
        async with db.read() as conn:
            found = await orders.list_orders(conn, enterprise_id=enterprise_id,
                                             status=("OPEN", "STOPPED") if only_open else None)
        return [o.to_dict() for o in found]

    rows = run(go)
    emit({"items": rows}, lambda: table(rows, [("order_id", "ORDER"), ("enterprise_id", "ENT"), ("usage", "USAGE"),
                                               ("issued", "ISSUED"), ("count", "COUNT"), ("status", "STATUS"),
                                               ("first_iccid", "FIRST ICCID"), ("last_iccid", "LAST ICCID")]))


COMMANDS = [cards_group]
