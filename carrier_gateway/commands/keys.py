"""`carrier keys ...`: the master key that protects personal data."""

from __future__ import annotations

import click

from carrier_gateway.commands.base import CarrierGroup, emit, state
from provisioning.privacy.keyring import new_keyring, write_keyring


@click.group("keys", cls=CarrierGroup)
def keys_group() -> None:
    """Master keys for personal-data encryption (kept outside the database).

    The key file (CARRIER_MASTER_KEY_FILE, default ./carrier.key) must be mode 0600;
    alternatively CARRIER_MASTER_KEY holds its JSON. Back the file up: without it the
    personal data in the database cannot be read.
    """


@keys_group.command("init")
@click.option("--path", type=click.Path(dir_okay=False), default=None,
              help="Where to write the key file  [default: CARRIER_MASTER_KEY_FILE or ./carrier.key]")
def keys_init(path: str | None) -> None:
    """Create a new master key file (mode 0600); refuses to overwrite one."""
    target = path or state().settings().master_key_path
    ring = new_keyring()
    write_keyring(ring, target)
    emit({"path": target, "active_key": ring.active_id},
         f"master key written to {target} (key {ring.active_id}); keep a backup in a safe place")


COMMANDS = [keys_group]
