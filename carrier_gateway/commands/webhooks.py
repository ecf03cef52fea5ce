"""`carrier webhooks status|retry`: signed result callbacks to the enterprises."""

# Domain, database, web and crypto modules are imported inside the functions that use them,
# so `carrier GROUP --help` loads none of them (tests/unit/cli/test_light_cli.py).

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from carrier_gateway.commands.base import CarrierGroup, emit, run, table
from carrier_gateway.commands.enterprises import cli_actor

if TYPE_CHECKING:
    from carrier_gateway.db import Database


@click.group("webhooks", cls=CarrierGroup)
def webhooks_group() -> None:
    """Webhooks: registration results and card suspensions sent to each enterprise's
    callback URL, signed with its API key, retried with backoff until delivered or
    dead (after the maximum attempts)."""


@webhooks_group.command("status")
@click.option("--enterprise", "enterprise_id", type=int, help="Only this enterprise.")
def webhooks_status(enterprise_id: int | None) -> None:
    """Events per enterprise: pending, retrying, delivered, dead, and the latest error."""
    from carrier_gateway.webhooks import delivery_status

    async def go(db: Database) -> list[dict[str, Any]]:
        async with db.read() as conn:
            return await delivery_status(conn, enterprise_id)

    rows = run(go)
    emit({"items": rows}, lambda: table(rows, [("enterprise_id", "ENTERPRISE"), ("pending", "PENDING"),
                                               ("retrying", "RETRYING"), ("delivered", "DELIVERED"),
                                               ("dead", "DEAD"), ("last_error", "LAST ERROR")]))


@webhooks_group.command("retry")
@click.option("--enterprise", "enterprise_id", type=int, help="Only this enterprise (default: all).")
def webhooks_retry(enterprise_id: int | None) -> None:
    """Give dead events a new round of attempts; a running service sends them within seconds."""
    from carrier_gateway.webhooks import retry_dead

    async def go(db: Database) -> int:
        async with db.write() as conn:
            return await retry_dead(conn, actor=cli_actor(), enterprise_id=enterprise_id)

    retried = run(go)
    emit({"retried": retried}, f"{retried} dead event(s) queued again")


COMMANDS = [webhooks_group]
