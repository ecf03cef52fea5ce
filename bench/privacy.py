"""Privacy and audit throughput on SQLite, each beside an in-process baseline from the same run.

(a) key rotation: sealed values re-encrypted per second by ``Reencryption`` (chunks of
    500, one write transaction each), beside AES-GCM open+seal of the same values in memory;
(b) audit: entries per second checked by ``verify`` and streamed by ``export``, beside
    recomputing the same hashes in memory;
(c) retention: registrations purged per second (tombstone sealed, indexes dropped, audited
    per chunk).

    python bench/privacy.py [--registrations 20000] [--entries 50000]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

import _path  # noqa: F401  # first: the project's packages before bench/'s scripts of the same names
from sqlalchemy import select, update

from carrier_gateway.db import Database
from carrier_gateway.migrate import upgrade
from provisioning.audit import formats, query
from provisioning.audit.tables import audit_log
from provisioning.audit.trail import Event, entry_hash, record, verify
from provisioning.documents import fake, fake_names
from provisioning.personal_data.registry import COLUMNS
from provisioning.personal_data.rotation import Reencryption
from provisioning.privacy.keyring import new_keyring
from provisioning.registrations.accept import SUBJECT_CONTEXT, Incoming, accept, prepare
from provisioning.registrations.records import RegistrationRecord
from provisioning.registrations.tables import registrations as r
from provisioning.retention.purge import Retention


def _record(rng: random.Random, n: int) -> RegistrationRecord:
    return RegistrationRecord.model_validate({
        "iccid": f"898600{n:014d}", "stage": "AT_SALE", "vin": fake.vin(rng), "imei": fake.imei(rng),
        "sold_at": "2026-01-01",
        "subject": {"type": "INDIVIDUAL", "name": fake_names.chinese_name(rng), "id_type": "RESIDENT_ID",
                    "id_number": fake.resident_id(rng), "id_expires": "2040-01-01", "phone": "13800138000",
                    "address": "北京市朝阳区某路1号"},
        "oem_verification": {"method": "ID_CARD_READER", "verified_at": "2026-01-01T10:00:00+08:00"}})


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:,.0f}/s"


async def main(n_regs: int, n_entries: int) -> None:
    ring = new_keyring()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}")
        await upgrade(db)
        rng = random.Random(1)
        for start in range(0, n_regs, 1000):
            items = [Incoming(1, _record(rng, i)) for i in range(start, min(start + 1000, n_regs))]
            async with db.write() as conn:
                await accept(conn, prepare(ring, items))
        async with db.read() as conn:
            sealed = list((await conn.execute(select(r.c.subject_enc))).scalars())

        t = time.perf_counter()
        for value in sealed:
            ring.encrypt(ring.decrypt(value, SUBJECT_CONTEXT), SUBJECT_CONTEXT)
        base_rot = time.perf_counter() - t
        rotated = ring.with_new_key()
        t = time.perf_counter()
        done = await Reencryption(db.write, db.read, rotated, columns=COLUMNS[:1], chunk=500).run()
        rot = time.perf_counter() - t
        print(f"rotation: {done['registrations.subject_enc']:,} values in {rot:.2f} s = {rate(n_regs, rot)}; "
              f"in-memory open+seal {rate(n_regs, base_rot)}; ratio {base_rot / rot:.2f}")

        now = dt.datetime.now(dt.UTC)
        for start in range(0, n_entries, 1000):
            async with db.write() as conn:
                await record(conn, *[Event("ops:1", "card.transition", "card", f"8986{i:016d}", 1,
                                           {"from": "INVENTORY", "to": "TEST", "i": i})
                                     for i in range(start, min(start + 1000, n_entries))], at=now)
        async with db.read() as conn:
            rows = (await conn.execute(select(audit_log))).all()
        t = time.perf_counter()
        for row in rows:
            entry_hash(row.prev_hash, row.seq, row.at, row.actor, row.action, row.object_type, row.object_id,
                       row.enterprise_id, row.detail)
        base_audit = time.perf_counter() - t
        t = time.perf_counter()
        async with db.read() as conn:
            result = await verify(conn)
        ver = time.perf_counter() - t
        assert result.ok
        out = io.StringIO()
        t = time.perf_counter()
        async for entry in query.export(db.read, query.Filters()):
            out.write(formats.jsonl(entry))
        exp = time.perf_counter() - t
        total = result.checked
        print(f"audit verify: {total:,} entries in {ver:.2f} s = {rate(total, ver)}; in-memory hashing "
              f"{rate(total, base_audit)}; ratio {base_audit / ver:.2f}")
        print(f"audit export (jsonl): {rate(total, exp)}, {out.tell() / total:.0f} bytes/entry")

        async with db.write() as conn:
            await conn.execute(update(r).values(status="REJECTED", decided_at=now - dt.timedelta(days=800)))
        t = time.perf_counter()
        purged = await Retention(db.write, db.read, rotated, actor="bench", chunk=500).run(now)
        ret = time.perf_counter() - t
        print(f"retention purge: {purged['registrations']:,} registrations in {ret:.2f} s = {rate(n_regs, ret)}")
        await db.dispose()
    print(f"machine: {platform.machine()}, {platform.processor() or platform.platform()}, Python "
          f"{sys.version.split()[0]}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=20_000)
    parser.add_argument("--entries", type=int, default=50_000)
    args = parser.parse_args()
    asyncio.run(main(args.registrations, args.entries))
