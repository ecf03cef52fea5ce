"""A `carrier serve` that stops gives back the registrations handed to its verifier that
it had not started on: they are due at once for any other process, not after a lease."""

from __future__ import annotations

import random
import time

from sqlalchemy import select

from carrier_gateway.appkeys import HANDOFF, KEYRING
from carrier_gateway.db import Database
from provisioning.privacy.keyring import Keyring
from provisioning.registrations.accept import Incoming
from provisioning.registrations.intake import accept_and_record
from provisioning.registrations.records import RegistrationRecord
from provisioning.registrations.tables import registrations
from tests.support.http import app_client
from tests.support.world import build_oem, individual


async def test_stopping_releases_what_the_verifier_had_not_taken(db_url: str, db: Database,
                                                                 master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=3)
    rng = random.Random(11)
    items = [Incoming(oem.enterprise_id, RegistrationRecord.model_validate(individual(rng, iccid=iccid)))
             for iccid in oem.iccids]
    async with app_client(db_url, sandbox=True) as client:
        app = client.server.app
        handoff = app[HANDOFF]
        handoff.take = lambda limit: (0, [])  # type: ignore[method-assign]  # a verifier busy with other work
        prepared = handoff.prepare(app[KEYRING], items)
        assert prepared.claimed_until is not None and prepared.claimed_until > time.time() + 30
        async with db.write() as conn:
            outcomes = await accept_and_record(conn, prepared, via="push")
        handoff.give(prepared, outcomes)
    # stopped: the rows it never took are due now, not left claimed until their lease ends
    async with db.read() as conn:
        rows = (await conn.execute(select(registrations.c.status, registrations.c.due_at))).all()
    assert len(rows) == 3
    assert all(status == "PENDING" and due <= time.time() for status, due in rows), rows
    assert handoff.size == 0
