"""What the database holds, counted independently of the report's queries (plain SQL
per enterprise, JSON reasons parsed in Python, numbering's per-enterprise functions)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from sqlalchemy import text

from carrier_gateway.db import Database
from numbering.ip.pool_usage import prefix_usage
from numbering.msisdn.usage import enterprise_usage


async def _pairs(conn: Any, sql: str, **params: Any) -> dict[str, int]:
    return {str(k): int(v) for k, v in (await conn.execute(text(sql), params)).all()}


async def enterprise_truth(db: Database, enterprise_id: int) -> dict[str, Any]:
    e = {"e": enterprise_id}
    async with db.read() as conn:
        states = await _pairs(conn, "SELECT state, COUNT(*) FROM cards WHERE enterprise_id = :e GROUP BY state", **e)
        real_name = await _pairs(conn, "SELECT real_name_status, COUNT(*) FROM cards WHERE enterprise_id = :e "
                                       "GROUP BY real_name_status", **e)
        statuses = await _pairs(conn, "SELECT status, COUNT(*) FROM registrations WHERE enterprise_id = :e "
                                      "GROUP BY status", **e)
        rejected = (await conn.execute(text("SELECT reasons FROM registrations WHERE enterprise_id = :e "
                                            "AND status = 'REJECTED'"), e)).scalars().all()
        active = set((await conn.execute(text("SELECT iccid FROM cards WHERE enterprise_id = :e "
                                              "AND state = 'ACTIVE'"), e)).scalars())
        verified = set((await conn.execute(text("SELECT iccid FROM registrations WHERE enterprise_id = :e "
                                                "AND status = 'VERIFIED'"), e)).scalars())
        numbers = await enterprise_usage(conn, enterprise_id)
        prefixes = await prefix_usage(conn, enterprise_id=enterprise_id)
    reasons: Counter[str] = Counter()
    for raw in rejected:
        reasons.update({r["code"] for r in json.loads(raw)})
    return {
        "states": states,
        "issued": sum(states.values()),
        "sold": sum(n for status, n in real_name.items() if status != "NONE"),
        "verified_cards": real_name.get("VERIFIED", 0),
        "statuses": statuses,
        "reasons": dict(reasons),
        "active_unverified": sorted(active - verified),
        "numbers": numbers,
        "ip_usable": sum(int(p["usable"]) for p in prefixes),
        "ip_assigned": sum(p["assigned"] for p in prefixes),
        "prefixes": [p["prefix"] for p in prefixes],
    }
