"""`carrier enterprise key ...`: API credentials of an enterprise."""

# Domain, database, web and crypto modules are imported inside the functions that use them,
# so `carrier GROUP --help` loads none of them (tests/unit/cli/test_light_cli.py).

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import click

from carrier_gateway.commands.base import emit, keyring, run, table
from carrier_gateway.commands.enterprises import cli_actor, enterprise_group

if TYPE_CHECKING:
    from carrier_gateway.db import Database
    from provisioning.enterprises import credentials


@enterprise_group.group("key")
def key_group() -> None:
    """API credentials (key id + secret) that sign the enterprise's OEM API requests.

    The secret is printed once, at creation or rotation; it is stored encrypted.
    Rotation issues a new key and keeps the old one working for a grace period.
    """


def _issued(issued: credentials.IssuedKey, extra: str = "") -> None:
    emit({"key_id": issued.key_id, "secret": issued.secret, "enterprise_id": issued.enterprise_id},
         f"key_id: {issued.key_id}\nsecret: {issued.secret}\n(shown once: store it now){extra}")


@key_group.command("create")
@click.argument("enterprise_id", type=int)
@click.option("--label", default="", help="What the key is for (e.g. the TSP system).")
def key_create(enterprise_id: int, label: str) -> None:
    """Create API credentials for ENTERPRISE_ID; prints key_id and secret once."""
    from provisioning.enterprises import credentials

    ring = keyring()

    async def go(db: Database) -> credentials.IssuedKey:
        async with db.write() as conn:
            return await credentials.create_key(conn, ring, enterprise_id, actor=cli_actor(), label=label)

    _issued(run(go))


@key_group.command("list")
@click.argument("enterprise_id", type=int)
def key_list(enterprise_id: int) -> None:
    """List an enterprise's keys with their status (ACTIVE, ROTATING, EXPIRED, REVOKED); never secrets."""
    from provisioning.enterprises import credentials

    async def go(db: Database) -> list[dict[str, Any]]:
        async with db.read() as conn:
            return [k.to_dict() for k in await credentials.list_keys(conn, enterprise_id)]

    rows = run(go)
    emit({"items": rows}, lambda: table(rows, [("key_id", "KEY"), ("status", "STATUS"), ("label", "LABEL"),
                                               ("created_at", "CREATED"), ("expires_at", "EXPIRES"),
                                               ("replaced_by", "REPLACED BY")]))


@key_group.command("rotate")
@click.argument("key_id")
@click.option("--grace-hours", type=click.FloatRange(0, 24 * 30), default=24.0, show_default=True,
              help="How long the old secret keeps working.")
def key_rotate(key_id: str, grace_hours: float) -> None:
    """Issue a new key replacing KEY_ID; the old one works until the grace period ends."""
    from provisioning.enterprises import credentials

    ring = keyring()

    async def go(db: Database) -> credentials.IssuedKey:
        async with db.write() as conn:
            return await credentials.rotate_key(conn, ring, key_id, actor=cli_actor(),
                                                grace=dt.timedelta(hours=grace_hours))

    _issued(run(go), f"\n{key_id} keeps working for {grace_hours:g} h")


@key_group.command("revoke")
@click.argument("key_id")
def key_revoke(key_id: str) -> None:
    """Revoke KEY_ID at once (requests signed with it fail from now on)."""
    from provisioning.enterprises import credentials

    async def go(db: Database) -> dict[str, Any]:
        async with db.write() as conn:
            return (await credentials.revoke_key(conn, key_id, actor=cli_actor())).to_dict()

    info = run(go)
    emit(info, f"key {key_id} revoked")
