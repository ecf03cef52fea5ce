"""`carrier enterprise ...`: purchasing enterprises and their registered destinations."""

# Domain, database, web and crypto modules are imported inside the functions that use them,
# so `carrier GROUP --help` loads none of them (tests/unit/cli/test_light_cli.py).

from __future__ import annotations

import datetime as dt
import getpass
from typing import TYPE_CHECKING, Any

import click

from carrier_gateway.commands.base import CarrierGroup, emit, run, table
from provisioning.enterprises.kinds import DESTINATION_KINDS, ENTERPRISE_KINDS

if TYPE_CHECKING:
    from carrier_gateway.db import Database

DATE = click.DateTime(formats=["%Y-%m-%d"])


def cli_actor() -> str:
    from provisioning.audit.trail import actor_of

    return actor_of("cli", getpass.getuser())


def as_date(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None


@click.group("enterprise", cls=CarrierGroup)
def enterprise_group() -> None:
    """Purchasing enterprises: car makers (OEM) and the agents they authorise (AGENT).

    Each enterprise has responsible persons (`person`), API credentials (`key`) and
    the destinations its cards may reach (`destination`). Start with
    `carrier enterprise add --name NAME --uscc CODE`.
    """


def _show(ent: dict[str, Any]) -> str:
    lines = [f"{k:17} {'-' if v is None else v}" for k, v in ent.items() if k != "destinations"]
    for kind, values in (ent.get("destinations") or {}).items():
        lines.append(f"{kind:17} {', '.join(values) or '-'}")
    return "\n".join(lines)


@enterprise_group.command("add")
@click.option("--name", required=True, help="Registered name of the enterprise.")
@click.option("--uscc", required=True, help="Unified Social Credit Code (18 characters; may start with A, N, Y).")
@click.option("--kind", type=click.Choice(ENTERPRISE_KINDS), default="OEM", show_default=True,
              help="OEM (car maker) or AGENT (buys cards on an OEM's authorisation).")
@click.option("--authorized-by", type=int, help="AGENT: id of the OEM that authorised it.")
@click.option("--authorized-from", type=DATE, help="AGENT: first day of the authorisation (YYYY-MM-DD).")
@click.option("--authorized-until", type=DATE, help="AGENT: last day of the authorisation (YYYY-MM-DD).")
@click.option("--callback-url", help="Where signed webhooks with registration results go.")
@click.option("--apn", help="Dedicated APN of its cards  [default: iov-e<ID>.carrier]")
def enterprise_add(name: str, uscc: str, kind: str, authorized_by: int | None, authorized_from: dt.datetime | None,
                   authorized_until: dt.datetime | None, callback_url: str | None, apn: str | None) -> None:
    """Record a purchasing enterprise and print its id.

    Example: carrier enterprise add --name 某某汽车有限公司 --uscc 91350100M000100Y43
    """
    from provisioning.enterprises import registry

    async def go(db: Database) -> dict[str, Any]:
        async with db.write() as conn:
            ent = await registry.add_enterprise(
                conn, name=name, uscc=uscc, kind=kind, authorized_by=authorized_by,
                authorized_from=as_date(authorized_from), authorized_until=as_date(authorized_until),
                callback_url=callback_url, apn=apn, actor=cli_actor())
        return ent.to_dict()

    ent = run(go)
    emit(ent, f"enterprise {ent['id']} added: {ent['name']} ({ent['kind']}, USCC {ent['uscc']}, APN {ent['apn']})")


@enterprise_group.command("list")
@click.option("--kind", type=click.Choice(ENTERPRISE_KINDS), help="Only OEMs or only agents.")
def enterprise_list(kind: str | None) -> None:
    """List enterprises."""
    from provisioning.enterprises import registry

    async def go(db: Database) -> list[dict[str, Any]]:
        async with db.read() as conn:
            return [e.to_dict() for e in await registry.list_enterprises(conn, kind=kind)]

    rows = run(go)
    emit({"items": rows}, lambda: table(rows, [("id", "ID"), ("kind", "KIND"), ("uscc", "USCC"), ("name", "NAME"),
                                               ("authorized_by", "BY"), ("authorized_until", "UNTIL")]))


@enterprise_group.command("show")
@click.argument("enterprise_id", type=int)
def enterprise_show(enterprise_id: int) -> None:
    """Show one enterprise with its registered destinations."""
    from provisioning.enterprises import destinations, registry

    async def go(db: Database) -> dict[str, Any]:
        async with db.read() as conn:
            ent = await registry.get_enterprise(conn, enterprise_id)
            return {**ent.to_dict(), "destinations": await destinations.list_destinations(conn, enterprise_id)}

    ent = run(go)
    emit(ent, lambda: _show(ent))


@enterprise_group.command("update")
@click.argument("enterprise_id", type=int)
@click.option("--name", help="New registered name.")
@click.option("--callback-url", help="New webhook URL.")
@click.option("--authorized-until", type=DATE, help="AGENT: new last day of the authorisation.")
def enterprise_update(enterprise_id: int, name: str | None, callback_url: str | None,
                      authorized_until: dt.datetime | None) -> None:
    """Change an enterprise's name, callback URL or authorisation end date."""
    from provisioning.enterprises import registry

    async def go(db: Database) -> dict[str, Any]:
        async with db.write() as conn:
            ent = await registry.update_enterprise(conn, enterprise_id, actor=cli_actor(), name=name,
                                                   callback_url=callback_url,
                                                   authorized_until=as_date(authorized_until))
        return ent.to_dict()

    ent = run(go)
    emit(ent, lambda: _show(ent))


@enterprise_group.group("destination")
def destination_group() -> None:
    """What the enterprise's cards may reach (at most 10 of each kind):
    PLATFORM_PREFIX (TBOX data), SHORT_CODE (SMS wake-up senders), CALL_CENTRE (ECALL)."""


KIND = click.Choice(DESTINATION_KINDS)


@destination_group.command("add")
@click.argument("enterprise_id", type=int)
@click.argument("kind", type=KIND)
@click.argument("value")
def destination_add(enterprise_id: int, kind: str, value: str) -> None:
    """Register a destination, e.g. `carrier enterprise destination add 1 PLATFORM_PREFIX 203.0.113.0/24`."""
    from provisioning.enterprises import destinations

    async def go(db: Database) -> str:
        async with db.write() as conn:
            return await destinations.add_destination(conn, enterprise_id, kind, value, actor=cli_actor())

    stored = run(go)
    emit({"enterprise_id": enterprise_id, "kind": kind, "value": stored}, f"{kind} {stored} registered")


@destination_group.command("remove")
@click.argument("enterprise_id", type=int)
@click.argument("kind", type=KIND)
@click.argument("value")
def destination_remove(enterprise_id: int, kind: str, value: str) -> None:
    """Remove a registered destination."""
    from provisioning.enterprises import destinations

    async def go(db: Database) -> str:
        async with db.write() as conn:
            return await destinations.remove_destination(conn, enterprise_id, kind, value, actor=cli_actor())

    stored = run(go)
    emit({"enterprise_id": enterprise_id, "kind": kind, "value": stored, "removed": True},
         f"{kind} {stored} removed")


@destination_group.command("list")
@click.argument("enterprise_id", type=int)
def destination_list(enterprise_id: int) -> None:
    """List the registered destinations of an enterprise."""
    from provisioning.enterprises import destinations

    async def go(db: Database) -> dict[str, list[str]]:
        async with db.read() as conn:
            return await destinations.list_destinations(conn, enterprise_id)

    found = run(go)
    rows = [{"kind": k, "value": v} for k, values in found.items() for v in values]
    emit(found, lambda: table(rows, [("kind", "KIND"), ("value", "VALUE")]))


COMMANDS = [enterprise_group]
