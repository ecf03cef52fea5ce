"""Schema migrations (alembic), run programmatically on the service's own engine."""

from __future__ import annotations

import dataclasses
from pathlib import Path

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
    current: str | None
    head: str

    @property
    def is_current(self) -> bool:
        return self.current == self.head


def _config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None, "no migrations shipped"
    return head


def _current(sync_conn: Connection) -> str | None:
    return MigrationContext.configure(sync_conn).get_current_revision()


async def schema_state(db: Database) -> SchemaState:
    async with db.read() as conn:
        current = await conn.run_sync(_current)
    return SchemaState(current=current, head=head_revision())


async def upgrade(db: Database, revision: str = "head") -> tuple[str | None, str | None]:
    """Create or upgrade the schema; returns (revision before, revision after)."""

    def _run(sync_conn: Connection) -> tuple[str | None, str | None]:
        if sync_conn.dialect.name == "postgresql":
            sync_conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
        before = _current(sync_conn)
        command.upgrade(_config(sync_conn), revision)
        return before, _current(sync_conn)

    async with db.write() as conn:
        return await conn.run_sync(_run)


async def autogenerate(message: str, scratch_url: str) -> None:
    """Developers: write a new revision from the difference between head and the tables."""
    db = Database(scratch_url)
    try:
        await upgrade(db)

        def _rev(sync_conn: Connection) -> None:
            cfg = _config(sync_conn)
            cfg.set_main_option("file_template", "%%(rev)s_%%(slug)s")
            number = len(list((MIGRATIONS / "versions").glob("[0-9]*.py"))) + 1
            command.revision(cfg, message=message, autogenerate=True, rev_id=f"{number:04d}")

        async with db.write() as conn:
            await conn.run_sync(_rev)
    finally:
        await db.dispose()


if __name__ == "__main__":  # python -m carrier_gateway.migrate "add cards"
    import asyncio
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(autogenerate(" ".join(sys.argv[1:]) or "change", f"sqlite:///{tmp}/scratch.db"))
