"""Every package's MetaData, and the migration branches that create their tables.

A branch is one module of Table definitions; its migrations live in
``carrier_gateway/migrations/versions/<branch>_NNNN_*.py``. Add a branch here when a new
table module appears, then run ``python -m carrier_gateway.migrate BRANCH "message"``.
"""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData, Table

import numbering.tables
import provisioning.tables
from carrier_gateway import tables as gateway_tables
from carrier_gateway.console import tables as console_tables  # noqa: F401 - on the gateway MetaData

BRANCHES: dict[str, str] = {
    "gateway": "carrier_gateway.tables",
    "numbering": "numbering.tables",
    "enterprises": "provisioning.enterprises.tables",
    "cards": "provisioning.cards.tables",
    "registrations": "provisioning.registrations.tables",
    "audit": "provisioning.audit.tables",
    "outbox": "provisioning.outbox.tables",
    "backfill": "provisioning.backfill.tables",
    "jobs": "provisioning.jobs.tables",
    "console": "carrier_gateway.console.tables",
    "network": "provisioning.network.tables",
}


def all_metadata() -> list[MetaData]:
    return [numbering.tables.metadata, provisioning.tables.metadata, gateway_tables.metadata]


def branch_tables(branch: str) -> set[str]:
    if branch not in BRANCHES:
        raise SystemExit(f"unknown branch {branch!r}; known: {', '.join(BRANCHES)}")
    module = importlib.import_module(BRANCHES[branch])
    return {t.name for t in vars(module).values() if isinstance(t, Table)}
