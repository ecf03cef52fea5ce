"""Each provisioning endpoint refuses the roles it is not for (403) and anonymous callers (401)."""

from __future__ import annotations

from tests.api.provisioning.helpers import tokens
from tests.support.http import app_client

ICCID = "89860400000000000015"
READ_ALL = {"ops", "auditor", "regulator"}
ENDPOINTS = [
    ("POST", "/ops/v1/enterprises", {"ops"}),
    ("GET", "/ops/v1/enterprises", READ_ALL),
    ("GET", "/ops/v1/enterprises/1", READ_ALL),
    ("PATCH", "/ops/v1/enterprises/1", {"ops"}),
    ("POST", "/ops/v1/enterprises/1/destinations", {"ops"}),
    ("DELETE", "/ops/v1/enterprises/1/destinations", {"ops"}),
    ("POST", "/ops/v1/enterprises/1/persons", {"ops"}),
    ("GET", "/ops/v1/enterprises/1/persons", READ_ALL),
    ("GET", "/ops/v1/roster", READ_ALL),
    ("POST", "/ops/v1/enterprises/1/keys", {"ops"}),
    ("GET", "/ops/v1/enterprises/1/keys", {"ops", "auditor"}),
    ("POST", "/ops/v1/keys/ak_00/rotation", {"ops"}),
    ("DELETE", "/ops/v1/keys/ak_00", {"ops"}),
    ("GET", "/ops/v1/cards", READ_ALL),
    ("GET", f"/ops/v1/cards/{ICCID}", READ_ALL),
    ("GET", f"/ops/v1/cards/{ICCID}/explain", READ_ALL),
    ("GET", f"/ops/v1/cards/{ICCID}/history", READ_ALL),
    ("POST", f"/ops/v1/cards/{ICCID}/transitions", {"ops"}),
    ("POST", "/ops/v1/orders", {"ops"}),
    ("GET", "/ops/v1/orders", READ_ALL),
    ("GET", "/ops/v1/orders/1", READ_ALL),
    ("POST", "/ops/v1/orders/1/resume", {"ops"}),
    ("POST", "/v1/network/authorize", {"ops"}),
]


async def test_roles_per_endpoint(db_url: str) -> None:
    h = await tokens(db_url)
    async with app_client(db_url) as client:
        for method, path, allowed in ENDPOINTS:
            resp = await client.request(method, path)
            assert resp.status == 401, (method, path)
            for role, headers in h.items():
                resp = await client.request(method, path, headers=headers)
                if role in allowed:
                    assert resp.status not in (401, 403), (method, path, role)
                else:
                    assert resp.status == 403, (method, path, role, resp.status)
                    assert (await resp.json())["code"] == "ROLE_FORBIDDEN"
