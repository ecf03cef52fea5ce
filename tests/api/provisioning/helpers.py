"""Ops tokens for the provisioning API tests."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp.test_utils import TestClient

from carrier_gateway import ops_auth
from carrier_gateway.db import Database


async def tokens(db_url: str, *roles: str) -> dict[str, dict[str, str]]:
    """Authorization headers per role."""
    db = Database(db_url)
    try:
        out = {}
        async with db.write() as conn:
            for role in roles or ("ops", "auditor", "regulator"):
                issued = await ops_auth.create_token(conn, role)
                out[role] = {"Authorization": f"Bearer {issued.token}"}
        return out
    finally:
        await db.dispose()


async def settled(client: TestClient, order_id: int, headers: dict[str, str], *, timeout: float = 60.0,
                  seen: list[int] | None = None) -> dict[str, Any]:
    """The order once the background workers left it COMPLETE or STOPPED (``seen`` collects
    the progress each poll read)."""
    for _ in range(int(timeout / 0.02)):
        order = await (await client.get(f"/ops/v1/orders/{order_id}", headers=headers)).json()
        if seen is not None:
            seen.append(order["issued"])
        if order["status"] != "OPEN":
            return order
        await asyncio.sleep(0.02)
    raise AssertionError(f"order {order_id} still OPEN")
