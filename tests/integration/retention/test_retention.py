"""Retention: registration data kept while the card serves and 2 years after, then purged."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.engine import make_url

from carrier_gateway.db import Database
from numbering.dbtypes import utcnow
from provisioning.audit.tables import audit_log
from provisioning.cards.lifecycle import transition
from provisioning.enterprises.persons import add_person, list_persons
from provisioning.privacy.keyring import Keyring
from provisioning.registrations.accept import SUBJECT_CONTEXT, Incoming, accept, prepare
from provisioning.registrations.authority import SandboxAuthority
from provisioning.registrations.records import RegistrationRecord
from provisioning.registrations.tables import idempotency_keys
from provisioning.registrations.tables import registrations as r
from provisioning.registrations.verify import Verifier
from provisioning.registrations.views import registration_view
from provisioning.retention.rules import cutoff
from tests.support.sealed import run_cli
from tests.support.world import build_oem, individual

NOW = utcnow()
DAY = dt.timedelta(days=1)
OLD = cutoff(NOW) - DAY  # 2 years + 1 day ago
RECENT = cutoff(NOW) + DAY  # 2 years - 1 day ago


@dataclasses.dataclass
class Setup:
    expired: str  # on a card terminated 2 years + 1 day ago
    recent: str  # on a card terminated 2 years - 1 day ago
    live: str  # on an active card
    rejected_old: str
    persons: dict[str, int]
    names: dict[str, str]


async def _setup(db: Database, ring: Keyring) -> Setup:
    world = await build_oem(db, ring, cards=4)
    rng = random.Random(3)
    records = [individual(rng, iccid=world.iccids[i]) for i in range(3)]
    bad = individual(rng, iccid=world.iccids[3])
    bad["subject"]["id_expires"] = "2001-01-01"
    records.append(bad)
    items = [Incoming(world.enterprise_id, RegistrationRecord.model_validate(rec)) for rec in records]
    async with db.write() as conn:
        ids = [res[0] for res in await accept(conn, prepare(ring, items))]  # type: ignore[index]
        await conn.execute(update(r).where(r.c.id == ids[0]).values(imei=None))
        await conn.execute(idempotency_keys.insert().values(enterprise_id=world.enterprise_id, key="sale-1",
                                                            request_hash="x", registration_id=ids[0]))
    verifier = Verifier(write=db.write, keyring=ring, authority=SandboxAuthority())
    while (await verifier.step()).claimed:
        pass
    async with db.write() as conn:
        await transition(conn, world.iccids[0], "TERMINATED", actor="cli:test", reason="contract ended", now=OLD)
        await transition(conn, world.iccids[1], "TERMINATED", actor="cli:test", reason="contract ended", now=RECENT)
        await conn.execute(update(r).where(r.c.id == ids[3]).values(decided_at=OLD))
        eid = world.enterprise_id
        people = {}
        for label, when in (("first", OLD - 400 * DAY), ("second", OLD), ("third", RECENT)):
            p = await add_person(conn, ring, eid, role="REAL_NAME", name=f"周{'一二三'[len(people)]}",
                                 id_type="RESIDENT_ID", id_number="11010519491231002X",
                                 phone=f"1330000000{len(people)}", actor="cli:test", now=when)
            people[label] = p.id
    return Setup(ids[0], ids[1], ids[2], ids[3], people, {rid: rec["subject"]["name"]
                                                          for rid, rec in zip(ids, records, strict=True)})


async def _row(db: Database, rid: str) -> dict[str, object]:
    async with db.read() as conn:
        return dict((await conn.execute(select(r).where(r.c.id == rid))).one()._mapping)


async def test_purges_only_what_is_past_retention(db: Database, db_url: str, master_key: Keyring) -> None:
    s = await _setup(db, master_key)
    before = {rid: await _row(db, rid) for rid in (s.expired, s.recent, s.live, s.rejected_old)}
    assert before[s.expired]["status"] == "VERIFIED" and before[s.rejected_old]["status"] == "REJECTED"

    dry = await run_cli("retention", "run", "--dry-run", "--json", "--database-url", db_url)
    assert dry.code == 0, dry.err
    assert dry.json()["due"] == {"registrations": 2, "responsible_persons": 1}
    assert (await _row(db, s.expired))["subject_enc"] == before[s.expired]["subject_enc"]  # nothing changed

    res = await run_cli("retention", "run", "--json", "--database-url", db_url)
    assert res.code == 0, res.err
    assert res.json()["purged"] == {"registrations": 2, "responsible_persons": 1}

    for rid in (s.expired, s.rejected_old):
        row = await _row(db, rid)
        subject = json.loads(master_key.decrypt(str(row["subject_enc"]), SUBJECT_CONTEXT))
        assert subject == {"type": "INDIVIDUAL", "purged": True}
        assert (row["doc_index"], row["natural_key"], row["vin"], row["imei"]) == (None, "~" + rid, "", None)
        kept = ("status", "reasons", "stage", "iccid", "card_ref", "enterprise_id", "subject_type", "id_type",
                "sold_at", "received_at", "decided_at")
        assert {k: row[k] for k in kept} == {k: before[rid][k] for k in kept}
    for rid in (s.recent, s.live):
        assert await _row(db, rid) == before[rid]
    async with db.read() as conn:
        view = await registration_view(conn, master_key, s.expired, enterprise_id=None)
        assert view["status"] == "VERIFIED" and view["subject"] == {"type": "INDIVIDUAL", "purged": True}
        assert (await conn.execute(select(idempotency_keys))).all() == []
        people = {p.id: p for p in await list_persons(conn, master_key, (await _row(db, s.live))["enterprise_id"],
                                                      history=True, reveal=True)}
        trail = (await conn.execute(select(audit_log.c.action, audit_log.c.object_type, audit_log.c.detail)
                                    .where(audit_log.c.action.like("retention.%")).order_by(audit_log.c.seq))).all()
    assert people[s.persons["first"]].name == "(purged)" and people[s.persons["first"]].phone == ""
    assert people[s.persons["second"]].name == "周二" and people[s.persons["third"]].name == "周三"
    assert [(a, o) for a, o, _ in trail] == [("retention.purged", "registration"),
                                             ("retention.purged", "responsible_person"),
                                             ("retention.run", "retention")]
    assert json.loads(trail[0][2])["count"] == 2
    assert all(name not in "".join(d for _, _, d in trail) for name in s.names.values())

    again = await run_cli("retention", "run", "--json", "--database-url", db_url)
    assert again.json()["purged"] == {"registrations": 0, "responsible_persons": 0}
    later = await run_cli("retention", "run", "--dry-run", "--now", (NOW + 3 * DAY).strftime("%Y-%m-%d"),
                          "--json", "--database-url", db_url)
    assert later.json()["due"] == {"registrations": 1, "responsible_persons": 1}  # the 2y-1d card, 2nd person
    refused = await run_cli("retention", "run", "--now", (NOW + 3 * DAY).strftime("%Y-%m-%d"), "--database-url",
                            db_url)
    assert refused.code == 1 and "--dry-run" in refused.err and refused.err.count("\n") == 1

    if make_url(db_url).get_backend_name() == "sqlite":  # the replaced bytes are gone from the files
        path = Path(str(make_url(db_url).database))
        raw = path.read_bytes() + (path.with_name(path.name + "-wal").read_bytes()
                                   if path.with_name(path.name + "-wal").exists() else b"")
        assert str(before[s.recent]["subject_enc"]).encode() in raw  # the scan does see sealed values
        for rid in (s.expired, s.rejected_old):
            assert str(before[rid]["subject_enc"]).encode() not in raw
            assert str(before[rid]["natural_key"]).encode() not in raw
