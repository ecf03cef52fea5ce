"""Ops tokens for the provisioning API tests."""

from __future__ import annotations

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
