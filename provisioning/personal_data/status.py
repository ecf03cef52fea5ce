"""What each master key protects: values per key id in every sealed column."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from provisioning.personal_data.registry import COLUMNS
from provisioning.personal_data.rotation import count_by_key
from provisioning.privacy.keyring import Keyring


async def key_status(conn: AsyncConnection, keyring: Keyring) -> dict[str, Any]:
    """Per column, values per key id; ``complete`` when every value is under the active
    key (then the older keys may be retired)."""
    columns = []
    old = 0
    for col in COLUMNS:
        counts = await count_by_key(conn, col)
        old += sum(n for k, n in counts.items() if k != keyring.active_id)
        columns.append({"column": col.name, "holds": col.holds, "by_key": dict(sorted(counts.items()))})
    unknown = sorted({k for c in columns for k in c["by_key"] if k not in keyring.keys})
    return {
        "active_key": keyring.active_id,
        "keys": [{"id": k, "active": k == keyring.active_id} for k in keyring.keys],
        "columns": columns,
        "not_under_active_key": old,
        "unknown_keys": unknown,
        "complete": old == 0,
    }


def status_rows(status: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per (column, key) for a table; columns with no values show once."""
    rows = []
    for col in status["columns"]:
        if not col["by_key"]:
            rows.append({"column": col["column"], "key": "-", "values": 0, "state": ""})
        for key, n in col["by_key"].items():
            state = "active" if key == status["active_key"] else (
                "unknown key" if key in status["unknown_keys"] else "to re-encrypt")
            rows.append({"column": col["column"], "key": key, "values": n, "state": state})
    return rows
