"""The work behind `carrier keys rotate` and `carrier keys retire` (audited)."""

# Domain, database, web and crypto modules are imported inside the functions that use them,
# so `carrier GROUP --help` loads none of them (tests/unit/cli/test_light_cli.py).

from __future__ import annotations

import asyncio
import os
import sys
from typing import TYPE_CHECKING, Any

import click

from carrier_gateway.commands.base import CliFailure, state
from carrier_gateway.commands.enterprises import cli_actor

if TYPE_CHECKING:
    from carrier_gateway.db import Database
    from provisioning.privacy.keyring import Keyring

#: running services re-read the key file at most every 5 s; writes sealed just before
#: that may still be in flight for a few seconds more
DEFAULT_SETTLE = 30.0


def key_path() -> str:
    from provisioning.privacy.keyring import ENV_VAR

    if os.environ.get(ENV_VAR):
        raise CliFailure(f"the master key comes from ${ENV_VAR}; rotation rewrites the key file: "
                         f"unset {ENV_VAR} and point CARRIER_MASTER_KEY_FILE at the file")
    return state().settings().master_key_path


async def _audit(db: Database, action: str, key_id: str, detail: dict[str, Any]) -> None:
    from provisioning.audit.trail import Event, record

    async with db.write() as conn:
        await record(conn, Event(cli_actor(), action, "master_key", key_id, None, detail))


async def _remaining(db: Database, ring: Keyring) -> dict[str, int]:
    from provisioning.personal_data.rotation import remaining

    async with db.read() as conn:
        return await remaining(conn, ring.active_id)


async def rotate(db: Database, *, chunk: int, retire_old: bool, settle: float) -> dict[str, Any]:
    from provisioning.personal_data.rotation import Reencryption
    from provisioning.privacy import keyfile

    path = key_path()
    ring = keyfile.read(path)
    left = await _remaining(db, ring)
    added = None
    if not any(left.values()):  # nothing unfinished: start a new rotation
        previous = list(ring.keys)
        ring, added = keyfile.add_key(path)
        await _audit(db, "keys.rotated", added, {"previous_keys": previous})
        left = await _remaining(db, ring)
    total = sum(left.values())
    label = f"re-encrypting under {ring.active_id}"
    with click.progressbar(length=max(total, 1), label=label, file=sys.stderr) as bar:
        job = Reencryption(db.write, db.read, ring, chunk=chunk, on_chunk=lambda _col, n: bar.update(n))
        resealed = await job.run()
        if retire_old:
            await _settle(ring.active_id, settle)
            for name, n in (await job.run()).items():
                resealed[name] += n
    after = await job.remaining()
    await _audit(db, "keys.reencrypted", ring.active_id,
                 {"resealed": resealed, "passes": job.passes, "remaining": after})
    outcome: dict[str, Any] = {"active_key": ring.active_id, "added": added, "continued": added is None,
                               "resealed": resealed, "remaining": after, "complete": not any(after.values()),
                               "retired": []}
    if retire_old:
        outcome["retired"] = (await retire_keys(db, settle=settle))["retired"]
    return outcome


async def _settle(key_id: str, settle: float) -> None:
    from numbering.dbtypes import utcnow
    from provisioning.privacy import keyfile

    created = keyfile.created_at(key_id)
    wait = settle if created is None else settle - (utcnow() - created).total_seconds()
    if wait > 0:
        click.echo(f"waiting {wait:.0f} s for running services to pick up key {key_id}", err=True)
        await asyncio.sleep(wait)


async def retire_keys(db: Database, *, settle: float) -> dict[str, Any]:
    from numbering.dbtypes import utcnow
    from provisioning.privacy import keyfile

    path = key_path()
    ring = keyfile.read(path)
    created = keyfile.created_at(ring.active_id)
    if created is not None and (age := (utcnow() - created).total_seconds()) < settle:
        raise CliFailure(f"key {ring.active_id} was added {age:.0f} s ago; running services may still be "
                         f"writing under older keys: retire after {settle:.0f} s")
    left = await _remaining(db, ring)
    if any(left.values()):
        where = ", ".join(f"{name}: {n}" for name, n in left.items() if n)
        raise CliFailure(f"values are still under older keys ({where}): run `carrier keys rotate` first")
    dropped = keyfile.retire(path, ring.active_id)
    if dropped:
        await _audit(db, "keys.retired", ring.active_id, {"retired_keys": dropped})
    return {"active_key": ring.active_id, "retired": dropped}


def describe(outcome: dict[str, Any]) -> str:
    done = sum(outcome["resealed"].values())
    head = (f"continued the rotation to key {outcome['active_key']}" if outcome["continued"]
            else f"added key {outcome['active_key']}")
    state_ = "complete" if outcome["complete"] else (
        f"{sum(outcome['remaining'].values())} values left: run `carrier keys rotate` again")
    line = f"{head}; {done} values re-encrypted; rotation {state_}"
    if outcome["retired"]:
        line += f"; retired {', '.join(outcome['retired'])}"
    return line
