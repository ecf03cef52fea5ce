"""`carrier keys ...`: the master key that protects personal data, and its rotation."""

# Domain, database, web and crypto modules are imported inside the functions that use them,
# so `carrier GROUP --help` loads none of them (tests/unit/cli/test_light_cli.py).

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from carrier_gateway.commands import keys_rotation as rotation
from carrier_gateway.commands.base import CarrierGroup, emit, keyring, run, state, table

if TYPE_CHECKING:
    from carrier_gateway.db import Database


@click.group("keys", cls=CarrierGroup)
def keys_group() -> None:
    """Master keys for personal-data encryption (kept outside the database).

    The key file (CARRIER_MASTER_KEY_FILE, default ./carrier.key) must be mode 0600;
    alternatively CARRIER_MASTER_KEY holds its JSON. Back the file up: without it the
    personal data in the database cannot be read.

    Rotation: `carrier keys rotate` adds a key and re-encrypts everything under it while
    the service runs; `carrier keys status` shows what each key still protects;
    `carrier keys retire` (or `rotate --retire`) drops the old keys once nothing is
    left under them.
    """


@keys_group.command("init")
@click.option("--path", type=click.Path(dir_okay=False), default=None,
              help="Where to write the key file  [default: CARRIER_MASTER_KEY_FILE or ./carrier.key]")
def keys_init(path: str | None) -> None:
    """Create a new master key file (mode 0600); refuses to overwrite one."""
    from provisioning.privacy.keyring import new_keyring, write_keyring

    target = path or state().settings().master_key_path
    ring = new_keyring()
    write_keyring(ring, target)
    emit({"path": target, "active_key": ring.active_id},
         f"master key written to {target} (key {ring.active_id}); keep a backup in a safe place")


@keys_group.command("status")
def keys_status() -> None:
    """Values per key id in every encrypted column; `complete` once all are under the active key."""
    from provisioning.personal_data.status import key_status, status_rows

    ring = keyring()

    async def go(db: Database) -> dict[str, object]:
        async with db.read() as conn:
            return await key_status(conn, ring)

    status = run(go)

    def human() -> str:
        head = (f"active key {status['active_key']}; keys in file: "
                f"{', '.join(k['id'] for k in status['keys'])}\n")
        tail = ("\nrotation complete: older keys may be retired" if status["complete"] else
                f"\n{status['not_under_active_key']} values still under older keys: run `carrier keys rotate`")
        return head + table(status_rows(status), [("column", "COLUMN"), ("key", "KEY"), ("values", "VALUES"),
                                                  ("state", "STATE")]) + tail

    emit(status, human)


@keys_group.command("rotate")
@click.option("--chunk", type=click.IntRange(1, 100_000), default=500, show_default=True,
              help="Values re-encrypted per write transaction.")
@click.option("--retire", "retire_old", is_flag=True,
              help="When done, wait --settle seconds, check nothing is left under old keys, and drop them.")
@click.option("--settle", type=click.FloatRange(0), default=rotation.DEFAULT_SETTLE, show_default=True,
              help="Seconds since the key was added before old keys may be retired (running services "
                   "pick the new key up within 5 s; in-flight writes need a little longer).")
def keys_rotate(chunk: int, retire_old: bool, settle: float) -> None:
    """Add a new key and re-encrypt every encrypted column under it, in chunks.

    The service keeps running: each chunk is a short transaction, values written
    meanwhile are caught by a further pass, and old keys keep opening values until they
    are retired. If a previous rotation did not finish, this continues it instead of
    adding another key. Needs the key file (not CARRIER_MASTER_KEY).
    """
    outcome = run(lambda db: rotation.rotate(db, chunk=chunk, retire_old=retire_old, settle=settle))
    emit(outcome, lambda: rotation.describe(outcome))


@keys_group.command("retire")
@click.option("--settle", type=click.FloatRange(0), default=rotation.DEFAULT_SETTLE, show_default=True,
              help="Refuse if the active key was added less than this many seconds ago.")
def keys_retire(settle: float) -> None:
    """Drop every key but the active one, once no value is left under them.

    Backups of the database taken before the rotation need the old keys: keep a copy
    of the old key file with those backups.
    """
    outcome = run(lambda db: rotation.retire_keys(db, settle=settle))
    emit(outcome, f"retired {len(outcome['retired'])} key(s): {', '.join(outcome['retired']) or 'none'}; "
                  f"active key {outcome['active_key']}")


COMMANDS = [keys_group]
