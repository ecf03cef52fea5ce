"""`carrier nas add|list|remove`: the packet gateways (RADIUS clients) that may ask."""

from __future__ import annotations

# The database and domain imports are local to the commands that use them: `carrier nas
# --help` loads no database, web or crypto library.
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from carrier_gateway.commands.base import CarrierGroup, CliFailure, emit, keyring, run, table
from carrier_gateway.commands.enterprises import cli_actor

if TYPE_CHECKING:
    from carrier_gateway.db import Database
    from provisioning.network import nas


@click.group("nas", cls=CarrierGroup)
def nas_group() -> None:
    """RADIUS clients: the packet gateways (GGSN/PGW) that ask whether a card may attach.

    A packet from an address no client covers is dropped. Changes reach a running
    `carrier serve` within a few seconds.
    """


def _secret_from(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CliFailure(f"{path}: the secret file is not UTF-8 text") from None
    return text.rstrip("\r\n")


@nas_group.command("add")
@click.option("--name", required=True, help="What the gateway is called (letters, digits, '.', '_', '-').")
@click.option("--address", required=True, help="Its source address, or a prefix covering several (10.1.0.0/24).")
@click.option("--secret-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A file holding the shared secret (16 to 128 printable characters). Without it one is "
                   "generated and shown once.")
def nas_add(name: str, address: str, secret_file: Path | None) -> None:
    """Add a RADIUS client; prints its secret once when one is generated.

    \b
    Example:
      carrier nas add --name pgw-beijing-1 --address 10.1.0.7
    """
    from provisioning.network import nas

    ring = keyring()
    secret = _secret_from(secret_file) if secret_file else None

    async def go(db: Database) -> nas.IssuedNas:
        async with db.write() as conn:
            return await nas.add_nas(conn, ring, name=name, address=address, secret=secret, actor=cli_actor())

    issued = run(go)
    shown = "" if secret_file else f"\nsecret  {issued.secret}\n(shown once: configure it on the gateway now)"
    emit(issued.to_dict(), f"RADIUS client {issued.name} ({issued.address}) added, id {issued.id}{shown}")


@nas_group.command("list")
def nas_list() -> None:
    """List the RADIUS clients (never their secrets)."""
    from provisioning.network import nas

    async def go(db: Database) -> list[dict[str, Any]]:
        async with db.read() as conn:
            return [n.to_dict() for n in await nas.list_nas(conn)]

    rows = run(go)
    emit({"items": rows}, lambda: table(rows, [("id", "ID"), ("name", "NAME"), ("address", "ADDRESS"),
                                               ("created_at", "CREATED")]))


@nas_group.command("remove")
@click.argument("name")
def nas_remove(name: str) -> None:
    """Remove a RADIUS client: its packets are dropped from then on."""
    from provisioning.network import nas

    async def go(db: Database) -> nas.Nas:
        async with db.write() as conn:
            return await nas.remove_nas(conn, name, actor=cli_actor())

    removed = run(go)
    emit({**removed.to_dict(), "removed": True}, f"RADIUS client {removed.name} ({removed.address}) removed")


COMMANDS = [nas_group]
