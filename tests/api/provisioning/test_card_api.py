"""Ops API for orders and cards, and the network authorize endpoint."""

from __future__ import annotations

from carrier_gateway.db import Database
from tests.api.provisioning.helpers import settled, tokens
from tests.integration.provisioning.factory import enterprise, stock
from tests.support.http import app_client


async def _enterprise(db_url: str) -> int:
    db = Database(db_url)
    try:
        async with db.write() as conn:
            ent = await enterprise(conn)
            await stock(conn, ent.id)
        return ent.id
    finally:
        await db.dispose()


async def test_order_cards_list_explain_transition_history(db_url: str) -> None:
    eid = await _enterprise(db_url)
    h = await tokens(db_url)
    async with app_client(db_url) as client:
        resp = await client.post("/ops/v1/orders", json={"enterprise_id": eid, "count": 7, "usage": "TBOX",
                                                         "static_ip": True, "chunk_size": 100}, headers=h["ops"])
        assert resp.status == 202, await resp.text()
        order = await settled(client, (await resp.json())["order_id"], h["regulator"])
        assert order["status"] == "COMPLETE" and order["issued"] == 7, order
        page = await (await client.get("/ops/v1/cards", params={"enterprise_id": eid, "limit": 5},
                                       headers=h["regulator"])).json()
        rest = await (await client.get("/ops/v1/cards", params={"cursor": page["next_cursor"]},
                                       headers=h["ops"])).json()
        assert len(page["items"]) == 5 and len(rest["items"]) == 2 and rest["next_cursor"] is None
        first = page["items"][0]
        assert first["iccid"] == order["first_iccid"] and first["static_ip"] and first["state"] == "INVENTORY"
        assert first["services"]["data"] == {"allowed": False, "scope": "NONE"}
        card = f"/ops/v1/cards/{first['iccid']}"
        resp = await client.post(card + "/transitions", json={"to": "ACTIVE", "reason": "x"}, headers=h["ops"])
        problem = await resp.json()
        assert resp.status == 409 and problem["code"] == "CARD_STATE_CONFLICT" and "INVENTORY" in problem["detail"]
        resp = await client.post(card + "/transitions", json={"to": "TEST", "reason": "line 3"}, headers=h["ops"])
        moved = await resp.json()
        assert resp.status == 200 and moved["services"]["data"] == {"allowed": True, "scope": "TEST_APN",
                                                                     "cap_mb": 50}
        explained = await (await client.get(card + "/explain", headers=h["auditor"])).json()
        rules = {s["service"]: s["rule"] for s in explained["services"]}
        assert rules == {"data": "FACTORY_TEST", "sms": "FACTORY_TEST", "voice": "USAGE_CEILING"}
        steps = await (await client.get(card + "/history", headers=h["ops"])).json()
        assert [(s["from_state"], s["to_state"], s["reason"]) for s in steps["items"]] == [
            ("INVENTORY", "TEST", "line 3")]
        assert steps["items"][0]["actor"].startswith("ops:")
        resp = await client.get("/ops/v1/cards/89860000000000000000", headers=h["ops"])
        assert resp.status == 404 and (await resp.json())["code"] == "CARD_NOT_FOUND"
        resp = await client.post(card + "/transitions", json={"to": "TEST", "reason": "x"}, headers=h["regulator"])
        assert resp.status == 403
        orders = await (await client.get("/ops/v1/orders", headers=h["ops"])).json()
        assert [o["order_id"] for o in orders["items"]] == [order["order_id"]]


async def test_network_authorize_needs_ops_and_answers(db_url: str) -> None:
    eid = await _enterprise(db_url)
    h = await tokens(db_url)
    async with app_client(db_url) as client:
        placed = await (await client.post("/ops/v1/orders", json={"enterprise_id": eid, "count": 1, "usage": "TBOX"},
                                          headers=h["ops"])).json()
        order = await settled(client, placed["order_id"], h["ops"])
        ask = {"iccid": order["first_iccid"], "service": "data", "destination": "203.0.113.5"}
        assert (await client.post("/v1/network/authorize", json=ask)).status == 401
        assert (await client.post("/v1/network/authorize", json=ask, headers=h["auditor"])).status == 403
        resp = await client.post("/v1/network/authorize", json=ask, headers=h["ops"])
        body = await resp.json()
        assert resp.status == 200 and body == {"allowed": False, "reason": "STATE",
                                               "detail": "card is INVENTORY: no service",
                                               "iccid": order["first_iccid"], "state": "INVENTORY"}
        resp = await client.post("/v1/network/authorize", json={"service": "data", "destination": "1.2.3.4"},
                                 headers=h["ops"])
        assert resp.status == 422
