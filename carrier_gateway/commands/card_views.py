"""`carrier cards list|show|explain|transition|history`: look-ups and the lifecycle."""

# Domain, database, web and crypto modules are imported inside the functions that use them,
# so `carrier GROUP --help` loads none of them (tests/unit/cli/test_light_cli.py).

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from carrier_gateway.commands.base import emit, run, table
from carrier_gateway.commands.cards import cards_group
from carrier_gateway.commands.enterprises import cli_actor
from provisioning.cards.limits import MAX_PAGE
from provisioning.cards.states import STATES, USAGES

if TYPE_CHECKING:
    from carrier_gateway.db import Database


@cards_group.command("list")
@click.option("--enterprise", "enterprise_id", type=int, help="Only this enterprise's cards.")
@click.option("--state", type=click.Choice(STATES), help="Only cards in this state.")
@click.option("--usage", type=click.Choice(USAGES), help="Only cards of this usage.")
@click.option("--cursor", help="Continue after this ICCID (the next_cursor of the previous page).")
@click.option("--limit", type=click.IntRange(1, MAX_PAGE), default=50, show_default=True)
def cards_list(enterprise_id: int | None, state: str | None, usage: str | None, cursor: str | None,
               limit: int) -> None:
    """List cards in ICCID order, a page at a time."""
    from provisioning.cards import store, views

    async def go(db: Database) -> dict[str, Any]:
        async with db.read() as conn:
            page = await store.list_cards(conn, enterprise_id=enterprise_id, state=state, usage=usage,
                                          cursor=cursor, limit=limit)
            return page.with_items(await views.card_dicts(conn, page.items)).to_dict()

    doc = run(go)

    def human() -> str:
        text = table(doc["items"], [("iccid", "ICCID"), ("msisdn", "MSISDN"), ("usage", "USAGE"), ("state", "STATE"),
                                    ("real_name_status", "REAL NAME"), ("enterprise_id", "ENT")])
        return text + (f"\nmore: --cursor {doc['next_cursor']}" if doc["next_cursor"] else "")

    emit(doc, human)


@cards_group.command("show")
@click.argument("iccid")
def cards_show(iccid: str) -> None:
    """Show one card: identifiers, state, real-name status, effective services."""
    from provisioning.cards import views
    from provisioning.network import usage

    async def go(db: Database) -> dict[str, Any]:
        async with db.read() as conn:
            view = await views.card_view(conn, iccid)
            return {**view, "data_usage": (await usage.usage_of(conn, iccid)).to_dict()}  # accounted by RADIUS

    card = run(go)

    def human() -> str:
        lines = [f"{k:17} {'-' if v is None else v}" for k, v in card.items() if k not in ("services", "data_usage")]
        for name, g in card["services"].items():
            lines.append(f"{name:17} {'allowed: ' + g['scope'] if g['allowed'] else 'denied'}")
        lines.append(f"{'data used':17} {usage.describe(usage.CardUsage(**card['data_usage']))}")
        return "\n".join(lines)

    emit(card, human)


@cards_group.command("explain")
@click.argument("iccid")
def cards_explain(iccid: str) -> None:
    """Per service: what the card may do and which rule limits it (default deny)."""
    from provisioning.cards import views

    async def go(db: Database) -> dict[str, Any]:
        async with db.read() as conn:
            return await views.explain(conn, iccid)

    doc = run(go)

    def human() -> str:
        head = f"{doc['iccid']}  {doc['usage']}  {doc['state']}  real-name {doc['real_name_status']}"
        lines = [head]
        for g in doc["services"]:
            verdict = "ALLOWED" if g["allowed"] else "DENIED "
            lines.append(f"  {g['service']:6} {verdict} [{g['rule']}] {g['reason']}")
            if g["allowed"] and g["destinations"]:
                lines.append(f"         to: {', '.join(g['destinations'])}")
        return "\n".join(lines)

    emit(doc, human)


@cards_group.command("transition")
@click.argument("iccid")
@click.argument("state", type=click.Choice(STATES))
@click.option("--reason", required=True, help="Why (kept in the card's history and the audit trail).")
def cards_transition(iccid: str, state: str, reason: str) -> None:
    """Move a card to STATE; an illegal move fails naming the current state.

    Example: carrier cards transition 89860400000000000015 TEST --reason "line 3 test"
    """
    from provisioning.cards import lifecycle, views

    async def go(db: Database) -> dict[str, Any]:
        async with db.write() as conn:
            card = await lifecycle.transition(conn, iccid, state, actor=cli_actor(), reason=reason)
            return views.card_dict(card, await views.card_services(conn, card))

    card = run(go)
    emit(card, f"card {card['iccid']} is now {card['state']}")


@cards_group.command("history")
@click.argument("iccid")
def cards_history(iccid: str) -> None:
    """Every transition of a card: when, from, to, who, why."""
    from provisioning.cards import store

    async def go(db: Database) -> list[dict[str, Any]]:
        async with db.read() as conn:
            return [h.to_dict() for h in await store.history(conn, iccid)]

    rows = run(go)
    emit({"items": rows}, lambda: table(rows, [("at", "AT"), ("from_state", "FROM"), ("to_state", "TO"),
                                               ("actor", "BY"), ("reason", "WHY")]))
