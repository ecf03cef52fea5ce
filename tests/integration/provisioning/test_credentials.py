"""API credentials: shown once, sealed at rest, rotation with a grace period, revocation."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from carrier_gateway.db import Database
from numbering.errors import Conflict, NotFound
from provisioning.audit.tables import audit_log
from provisioning.enterprises.credentials import create_key, list_keys, resolve_key, revoke_key, rotate_key, signing_key
from provisioning.enterprises.tables import api_keys
from provisioning.privacy.keyring import Keyring
from tests.integration.provisioning.factory import ACTOR, enterprise


async def test_secret_is_sealed_and_resolves(db: Database, master_key: Keyring) -> None:
    async with db.write() as conn:
        ent = await enterprise(conn)
        issued = await create_key(conn, master_key, ent.id, actor=ACTOR, label="tbox platform")
    async with db.read() as conn:
        stored = (await conn.execute(select(api_keys))).one()
        audit = " ".join(r.detail for r in await conn.execute(select(audit_log.c.detail)))
        active = await resolve_key(conn, master_key, issued.key_id)
        listed = await list_keys(conn, ent.id)
    assert issued.secret not in " ".join(str(v) for v in stored) and issued.secret not in audit
    assert active is not None and active.secret == issued.secret and active.enterprise_id == ent.id
    assert [(k.key_id, k.status) for k in listed] == [(issued.key_id, "ACTIVE")]
    assert issued.secret not in str(listed)


async def test_rotation_keeps_the_old_secret_for_the_grace_period(db: Database, master_key: Keyring) -> None:
    now = dt.datetime.now(dt.UTC)
    async with db.write() as conn:
        ent = await enterprise(conn)
        old = await create_key(conn, master_key, ent.id, actor=ACTOR)
        new = await rotate_key(conn, master_key, old.key_id, actor=ACTOR, grace=dt.timedelta(hours=1), now=now)
    async with db.read() as conn:
        during = await resolve_key(conn, master_key, old.key_id, now=now + dt.timedelta(minutes=59))
        after = await resolve_key(conn, master_key, old.key_id, now=now + dt.timedelta(minutes=61))
        signer = await signing_key(conn, master_key, ent.id)
        statuses = {k.key_id: k.status for k in await list_keys(conn, ent.id)}
        later = {k.key_id: k.status for k in await list_keys(conn, ent.id, now=now + dt.timedelta(hours=2))}
    assert during is not None and during.secret == old.secret and after is None
    assert signer is not None and signer.key_id == new.key_id and new.secret != old.secret
    assert statuses == {old.key_id: "ROTATING", new.key_id: "ACTIVE"}
    assert later[old.key_id] == "EXPIRED"


async def test_revoked_key_stops_at_once_and_is_audited(db: Database, master_key: Keyring) -> None:
    async with db.write() as conn:
        ent = await enterprise(conn)
        other = await enterprise(conn, 2)
        issued = await create_key(conn, master_key, ent.id, actor=ACTOR)
        with pytest.raises(NotFound):
            await revoke_key(conn, issued.key_id, actor=ACTOR, enterprise_id=other.id)
        info = await revoke_key(conn, issued.key_id, actor=ACTOR)
        with pytest.raises(Conflict):
            await revoke_key(conn, issued.key_id, actor=ACTOR)
        with pytest.raises(Conflict):
            await rotate_key(conn, master_key, issued.key_id, actor=ACTOR)
    async with db.read() as conn:
        gone = await resolve_key(conn, master_key, issued.key_id)
        actions = (await conn.execute(select(audit_log.c.action).where(audit_log.c.object_type == "api_key"))
                   ).scalars().all()
    assert info.status == "REVOKED" and gone is None
    assert actions == ["key.created", "key.revoked"]
