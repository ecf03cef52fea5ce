"""Which tables and indexes a registration's writes dirty: WAL pages per record, by
b-tree, on the batch path or in small groups as single pushes are committed.

Every page a transaction changes is written to SQLite's write-ahead log at its commit
(and copied into the database at the next checkpoint), so pages per record is the
storage cost the write path pays on top of the statements themselves; a b-tree whose
keys arrive in random order costs a page per record, one whose keys arrive in order a
fraction of one. In process, no HTTP: the same code the server runs (schema, acceptance
with this process's hand-off, the verifier), on a fresh SQLite file with ``--warm``
registrations already decided (indexes the size a busy day leaves them), then
``--records`` more with the WAL read before any checkpoint.

    python bench/wal_pages.py                    # batches of 1000, verified per batch
    python bench/wal_pages.py --mode single      # groups of 10 pushes with their nonces,
                                                 # verified every 250, as a busy server does
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import sqlite3
import struct
import tempfile
import time
from pathlib import Path
from typing import Any

import _path  # noqa: F401  # first: the project's packages before bench/'s scripts of the same names
import _regkit
import orjson

from carrier_gateway.api import oem_registrations
from carrier_gateway.api.oem_models import BatchIn
from carrier_gateway.db import Database
from carrier_gateway.nonces import NonceClaim, claim_nonces
from provisioning.privacy.keyring import new_keyring
from provisioning.registrations.authority import SandboxAuthority
from provisioning.registrations.handoff import Handoff
from provisioning.registrations.intake import accept_and_record
from provisioning.registrations.verify import Verifier

#: mode -> (records per transaction, records between verification steps)
MODES = {"batch": (1000, 1000), "single": (10, 250)}


def wal_page_numbers(path: Path) -> list[int]:
    """The page number of every frame in the WAL file (its header is 32 bytes, each
    frame a 24-byte header, which starts with the page number, and the page)."""
    data = path.with_name(path.name + "-wal").read_bytes()
    if len(data) < 32:
        return []
    page_size = struct.unpack(">I", data[8:12])[0]
    out, offset = [], 32
    while offset + 24 + page_size <= len(data):
        out.append(struct.unpack(">I", data[offset:offset + 4])[0])
        offset += 24 + page_size
    return out


def page_owners(path: Path) -> dict[int, str]:
    """Page number -> the table or index it belongs to (SQLite's dbstat table)."""
    with sqlite3.connect(path) as conn:
        return dict(conn.execute("SELECT pageno, name FROM dbstat"))


async def write_path(db: Database, verifier: Verifier, handoff: Handoff, keyring: Any, key_id: str,
                     records: list[dict[str, Any]], mode: str) -> None:
    group, verify_every = MODES[mode]
    for start in range(0, len(records), group):
        parsed = BatchIn.model_validate_json(orjson.dumps({"records": records[start:start + group]}))
        _results, items, _positions = oem_registrations.validate_batch(1, parsed)
        prepared = handoff.prepare(keyring, items)
        async with db.write() as conn:
            if mode == "single":  # each push's nonce is claimed in its group commit
                await claim_nonces(conn, [NonceClaim(key_id, os.urandom(16).hex(), int(time.time()) + 600)
                                          for _ in items])
            accepted = await accept_and_record(conn, prepared, via=mode, actor="bench")
        handoff.give(prepared, accepted)
        if (start + group) % verify_every == 0:
            while (await verifier.step()).claimed:
                pass
    while (await verifier.step()).claimed:
        pass


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="walpages") as tmp:
        path = Path(tmp) / "wal.db"
        url = f"sqlite+aiosqlite:///{path}"
        keyring = new_keyring()
        key_id, _secret, iccids = await _regkit.prepare(url, keyring, args.warm + args.records)
        records = _regkit.records(iccids, seed=1)
        handoff = Handoff(lease_seconds=60)
        db = Database(url)
        db._checkpointer = None  # the WAL must keep every frame until it is read
        verifier = Verifier(write=db.write, keyring=keyring, authority=SandboxAuthority(), linger_seconds=0.0,
                            handoff=handoff)
        try:
            await write_path(db, verifier, handoff, keyring, key_id, records[:args.warm], args.mode)
            with sqlite3.connect(path) as raw:  # the measured part starts with an empty WAL
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            await write_path(db, verifier, handoff, keyring, key_id, records[args.warm:], args.mode)
            frames = wal_page_numbers(path)
            owners = page_owners(path)
        finally:
            await db.dispose()
    group, verify_every = MODES[args.mode]
    by_tree = collections.Counter(owners.get(page, "(freed)") for page in frames)
    print(f"mode {args.mode}: {args.records:,} records in transactions of {group}, verified every {verify_every}, "
          f"after {args.warm:,} decided")
    print(f"{len(frames):,} WAL pages: {len(frames) / args.records:.2f} a record\n")
    print("| table or index | pages a record |")
    print("|---|---:|")
    for name, count in by_tree.most_common():
        print(f"| {name} | {count / args.records:.3f} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=sorted(MODES), default="batch")
    parser.add_argument("--warm", type=int, default=20_000, help="registrations decided before the measured ones")
    parser.add_argument("--records", type=int, default=5_000, help="registrations measured")
    asyncio.run(main(parser.parse_args()))
