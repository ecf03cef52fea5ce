"""The ops API for RADIUS clients and usage, and the RADIUS server started with the app
(as `carrier serve --radius-auth-port/--radius-acct-port` starts it)."""

from __future__ import annotations

from pyrad.packet import AccessAccept

from carrier_gateway.db import Database
from carrier_gateway.radius.context import RADIUS
from tests.api.provisioning.helpers import tokens
from tests.integration.network.kit import cards_in
from tests.support.http import app_client
from tests.support.radius import access_request, accounting_request, gateway


async def test_nas_crud_and_refusals(db_url: str) -> None:
    h = await tokens(db_url)
    async with app_client(db_url) as client:
        made = await client.post("/ops/v1/nas", json={"name": "pgw1", "address": "10.1.0.7"}, headers=h["ops"])
        issued = await made.json()
        assert made.status == 201 and set(issued) == {"id", "name", "address", "secret"}
        again = await client.post("/ops/v1/nas", json={"name": "pgw1", "address": "10.1.0.8"}, headers=h["ops"])
        bad = await client.post("/ops/v1/nas", json={"name": "pgw2", "address": "10.1.0.9", "secret": "short"},
                                headers=h["ops"])
        odd = await client.post("/ops/v1/nas", json={"name": "pgw3", "address": "nowhere"}, headers=h["ops"])
        assert (again.status, (await again.json())["code"]) == (409, "NAS_EXISTS")
        assert (bad.status, (await bad.json())["code"]) == (422, "NAS_INVALID")
        assert (await odd.json())["code"] == "NAS_INVALID" and "address" in (await odd.json())["detail"]
        listed = await (await client.get("/ops/v1/nas", headers=h["auditor"])).json()
        assert [n["name"] for n in listed["items"]] == ["pgw1"] and "secret" not in listed["items"][0]
        forbidden = await client.post("/ops/v1/nas", json={"name": "x", "address": "10.0.0.1"},
                                      headers=h["auditor"])
        assert forbidden.status == 403
        gone = await client.delete("/ops/v1/nas/pgw1", headers=h["ops"])
        assert gone.status == 200 and (await gone.json())["address"] == "10.1.0.7/32"
        missing = await client.delete("/ops/v1/nas/pgw1", headers=h["ops"])
        assert (missing.status, (await missing.json())["code"]) == (404, "NAS_NOT_FOUND")


async def test_radius_in_the_app_and_usage_on_the_ops_api(db_url: str) -> None:
    db = Database(db_url)
    try:
        [card] = await cards_in(db, "ACTIVE")
    finally:
        await db.dispose()
    h = await tokens(db_url)
    async with app_client(db_url, radius_auth_port=0, radius_acct_port=0) as client:  # 0: any free port
        made = await (await client.post("/ops/v1/nas", json={"name": "pgw1", "address": "127.0.0.1/8"},
                                        headers=h["ops"])).json()
        server = client.app[RADIUS]
        assert set(server.ports) == {"auth", "acct"} and all(server.ports.values())
        await server.refresh_clients()  # a running server sees the change within seconds; now, for the test
        async with gateway(server, made["secret"]) as gw:
            accept = await gw.SendPacket(access_request(gw, imsi=card.imsi))
            assert accept.code == AccessAccept
            await gw.SendPacket(accounting_request(gw, "Stop", "s1", Class=accept["Class"][0],
                                                   Acct_Input_Octets=100, Acct_Output_Octets=50))
        used = await (await client.get(f"/ops/v1/cards/{card.iccid}/usage", headers=h["regulator"])).json()
        assert (used["iccid"], used["sessions"], used["input_octets"], used["output_octets"]) == (card.iccid, 1, 100,
                                                                                                   50)
        ent = await (await client.get(f"/ops/v1/enterprises/{card.enterprise_id}/usage", headers=h["ops"])).json()
        assert (ent["sessions"], ent["input_octets"] + ent["output_octets"]) == (1, 150)
        metrics = await (await client.get("/metrics")).text()
        assert "carrier_radius_accepts_total 1.0" in metrics
        assert 'carrier_radius_accounting_total{outcome="RECORDED",status="Stop"} 1.0' in metrics
        assert (await client.get("/ops/v1/cards/89860000000000000000/usage", headers=h["ops"])).status == 404
        assert (await client.get("/ops/v1/enterprises/999/usage", headers=h["ops"])).status == 404
