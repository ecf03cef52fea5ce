"""The issue's walk, end to end through the ops API and the network endpoint: an
enterprise from creation to a terminated card whose number sits in quarantine."""

from __future__ import annotations

from sqlalchemy import select

from carrier_gateway.db import Database
from numbering.tables import quarantine
from provisioning.audit.trail import verify
from provisioning.cards import machine
from provisioning.enterprises.credentials import resolve_key
from provisioning.privacy.keyring import Keyring
from tests.api.provisioning.helpers import settled, tokens
from tests.integration.provisioning.cardkit import IMEI, OTHER_IMEI
from tests.integration.provisioning.factory import stock, uscc
from tests.support.http import app_client

PERSON = {"role": "REAL_NAME", "id_type": "RESIDENT_ID", "id_number": "11010519491231002X", "phone": "13800138000"}


async def test_enterprise_to_quarantined_number(db_url: str, master_key: Keyring) -> None:
    h = await tokens(db_url, "ops", "regulator")
    ops = h["ops"]
    db = Database(db_url)
    try:
        async with app_client(db_url) as client:
            async def call(method: str, path: str, status: int = 200, **kw: object) -> dict:
                resp = await client.request(method, path, headers=ops, **kw)
                body = await resp.json()
                assert resp.status == status, body
                return body

            # creation, with what its TBOX cards may reach
            ent = await call("POST", "/ops/v1/enterprises", 201, json={"name": "某某汽车有限公司", "uscc": uscc(1)})
            base = f"/ops/v1/enterprises/{ent['id']}"
            await call("POST", base + "/destinations", 201, json={"kind": "PLATFORM_PREFIX", "value": "203.0.113.0/24"})
            # responsible-person change: the first term ends when the second begins
            await call("POST", base + "/persons", 201, json={**PERSON, "name": "张三"})
            await call("POST", base + "/persons", 201, json={**PERSON, "name": "李四"})
            terms = (await call("GET", base + "/persons", params={"history": "true"}))["items"]
            assert [(p["name"], p["term_end"] is None) for p in terms] == [("张*", False), ("李*", True)]
            # credential rotation: old secret still valid in its grace period, new one active
            old = await call("POST", base + "/keys", 201, json={})
            new = await call("POST", f"/ops/v1/keys/{old['key_id']}/rotation", 201, json={"grace_hours": 1})
            async with db.read() as conn:
                assert (await resolve_key(conn, master_key, old["key_id"])).secret == old["secret"]  # type: ignore[union-attr]
                assert (await resolve_key(conn, master_key, new["key_id"])).secret == new["secret"]  # type: ignore[union-attr]
            # issuing cards from the enterprise's number block
            async with db.write() as conn:
                await stock(conn, ent["id"], numbers=100, prefix_length=24)
            order = await call("POST", "/ops/v1/orders", 202,
                               json={"enterprise_id": ent["id"], "count": 3, "usage": "TBOX", "static_ip": True})
            order = await settled(client, order["order_id"], ops)
            iccid = order["first_iccid"]
            card = f"/ops/v1/cards/{iccid}"
            msisdn = (await call("GET", card))["msisdn"]

            async def network(imei: str | None = None, destination: str = "203.0.113.9") -> dict:
                return await call("POST", "/v1/network/authorize",
                                  json={"iccid": iccid, "service": "data", "destination": destination, "imei": imei})

            assert (await network())["reason"] == "STATE"
            # factory test: data to the platform only
            await call("POST", card + "/transitions", json={"to": "TEST", "reason": "end-of-line test"})
            assert (await network())["allowed"] and not (await network(destination="8.8.8.8"))["allowed"]
            # sale, then activation by a verified registration
            await call("POST", card + "/transitions", json={"to": "PENDING", "reason": "sold to a dealer"})
            assert (await network())["reason"] == "STATE"
            async with db.write() as conn:
                await machine.record_outcome(conn, iccid, "VERIFIED", registration_id="reg-1", actor="verifier")
            active = await call("GET", card)
            assert (active["state"], active["real_name_status"]) == ("ACTIVE", "VERIFIED")
            assert (await network(IMEI))["allowed"]  # binds the device
            # IMEI swap: suspended and denied
            swapped = await network(OTHER_IMEI)
            assert (swapped["allowed"], swapped["reason"], swapped["state"]) == (False, "IMEI_MISMATCH", "SUSPENDED")
            assert (await call("GET", card))["suspension_cause"] == "IMEI_CHANGE"
            # termination: the number goes to quarantine
            done = await call("POST", card + "/transitions", json={"to": "TERMINATED", "reason": "vehicle scrapped"})
            assert done["state"] == "TERMINATED"
            steps = [(s["from_state"], s["to_state"]) for s in (await call("GET", card + "/history"))["items"]]
            assert steps == [("INVENTORY", "TEST"), ("TEST", "PENDING"), ("PENDING", "ACTIVE"),
                             ("ACTIVE", "SUSPENDED"), ("SUSPENDED", "TERMINATED")]
        async with db.read() as conn:
            held = (await conn.execute(select(quarantine.c.first, quarantine.c.last))).all()
            chain = await verify(conn)
        assert any(first <= int(msisdn) <= last for first, last in held)
        assert chain.ok and chain.checked > 10
    finally:
        await db.dispose()
