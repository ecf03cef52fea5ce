"""Records of one batch are decided in the order they were pushed: a back-registration
batch that holds a sale and, after it, the owner change of the same card must verify
both (the sale then SUPERSEDED), never reject the change as if it came first."""

from __future__ import annotations

import random

from carrier_gateway.client import OemClient
from carrier_gateway.db import Database
from provisioning.privacy.keyring import Keyring
from tests.api.test_reason_codes import decided
from tests.support.http import app_client
from tests.support.world import build_oem, individual


async def test_a_sale_then_its_owner_change_in_one_batch_both_verify(db_url: str, db: Database,
                                                                     master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=8)
    rng = random.Random(3)
    records = []
    for iccid in oem.iccids:
        sale = individual(rng, iccid=iccid, stage="BACKFILL")
        records += [sale, individual(rng, iccid=iccid, stage="OWNER_CHANGE", vin=sale["vin"])]
    async with app_client(db_url, sandbox=True) as http:
        client = OemClient(str(http.make_url("")), oem.key_id, oem.secret, session=http.session)
        results = (await client.push_batch(records))["results"]
        views = [await decided(client, r["registration_id"]) for r in results]
    outcomes = [(v["stage"], v["status"], [x["code"] for x in v["reasons"]]) for v in views]
    assert outcomes == [("BACKFILL", "SUPERSEDED", []), ("OWNER_CHANGE", "VERIFIED", [])] * len(oem.iccids)
