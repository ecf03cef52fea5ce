"""Schema migrations (alembic), run programmatically on the service's own engine.

Each group of tables is its own alembic branch (see ``carrier_gateway.schema.BRANCHES``),
so each package's migrations evolve on their own; the schema is current when every
branch is at its head.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

from carrier_gateway.db import Database

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_PG_LOCK_KEY = 0x43415252  # "CARR": serialises concurrent `carrier init` on PostgreSQL


@dataclasses.dataclass(frozen=True)
class SchemaState:
    current: tuple[str, ...]
    heads: tuple[str, ...]

    @property
    def is_current(self) -> bool:
        return self.current == self.heads

    @property
    def revision(self) -> str | None:
        return ",".join(self.current) or None

    @property
    def head(self) -> str:
        return ",".join(self.heads)


def _config(connection: Connection | None = None, **attributes: Any) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    cfg.attributes.update(attributes)
    return cfg


def head_revisions() -> tuple[str, ...]:
    return tuple(sorted(ScriptDirectory.from_config(_config()).get_heads()))


def head_revision() -> str:
    return ",".join(head_revisions())


def _current(sync_conn: Connection) -> tuple[str, ...]:
    return tuple(sorted(MigrationContext.configure(sync_conn).get_current_heads()))


async def schema_state(db: Database) -> SchemaState:
    async with db.read() as conn:
        current = await conn.run_sync(_current)
    return SchemaState(current=current, heads=head_revisions())


async def upgrade(db: Database) -> tuple[str | None, str | None]:
    """Create or upgrade every branch to its head; returns (revision before, after)."""

    def _run(sync_conn: Connection) -> tuple[str | None, str | None]:
        if sync_conn.dialect.name == "postgresql":
            sync_conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
        before = _current(sync_conn)
        command.upgrade(_config(sync_conn), "heads")
        return ",".join(before) or None, ",".join(_current(sync_conn)) or None

    async with db.write() as conn:
        return await conn.run_sync(_run)


async def autogenerate(branch: str, message: str, scratch_url: str) -> None:
    """Developers: write the next revision of one branch from the difference between
    its head and its tables (other branches' tables are ignored)."""
    from carrier_gateway.schema import branch_tables

    tables = branch_tables(branch)
    db = Database(scratch_url)
    try:
        await upgrade(db)
        script = ScriptDirectory.from_config(_config())
        existing = [r for r in script.walk_revisions() if branch in r.branch_labels or
                    r.revision.startswith(f"{branch}_")]

        def _rev(sync_conn: Connection) -> None:
            cfg = _config(sync_conn, include_tables=tables)
            cfg.set_main_option("file_template", "%%(rev)s_%%(slug)s")
            rev_id = f"{branch}_{len(existing) + 1:04d}"
            if existing:
                command.revision(cfg, message=message, autogenerate=True, rev_id=rev_id, head=f"{branch}@head")
            else:
                command.revision(cfg, message=message, autogenerate=True, rev_id=rev_id, head="base",
                                 branch_label=branch)

        async with db.write() as conn:
            await conn.run_sync(_rev)
    finally:
        await db.dispose()


if __name__ == "__main__":  # python -m carrier_gateway.migrate BRANCH "message"
    import asyncio
    import sys
    import tempfile

    if len(sys.argv) < 3:
        raise SystemExit("usage: python -m carrier_gateway.migrate BRANCH MESSAGE")
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(autogenerate(sys.argv[1], " ".join(sys.argv[2:]), f"sqlite:///{tmp}/scratch.db"))
