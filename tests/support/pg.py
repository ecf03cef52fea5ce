"""Test databases on the PostgreSQL server named by CARRIER_TEST_POSTGRES_URL."""

from __future__ import annotations

import asyncio
import re

import asyncpg
from sqlalchemy.engine import make_url


class Server:
    def __init__(self, url: str) -> None:
        self._url = make_url(url).set(drivername="postgresql+asyncpg")
        base = re.sub(r"[^a-z0-9_]", "_", (self._url.database or "carrier").lower())[:30]
        self.prefix = f"{base}_t_"
        self.template: str | None = None
        self._created: list[str] = []
        # Fail loudly (not skip) if the server the run was pointed at is unreachable.
        asyncio.run(self._admin("SELECT 1"))

    def url_for(self, database: str) -> str:
        return self._url.set(database=database).render_as_string(hide_password=False)

    async def _admin(self, sql: str) -> None:
        dsn = self._url.set(drivername="postgresql").render_as_string(hide_password=False)
        conn = await asyncpg.connect(dsn, timeout=10)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    def create_database(self, *, suffix: str, template: str | None = None) -> str:
        name = self.prefix + suffix
        clause = f' TEMPLATE "{template}"' if template else ""
        asyncio.run(self._admin(f'CREATE DATABASE "{name}"{clause}'))
        self._created.append(name)
        return name

    def drop_database(self, name: str) -> None:
        asyncio.run(self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if name in self._created:
            self._created.remove(name)

    def drop_all(self) -> None:
        for name in reversed(list(self._created)):
            self.drop_database(name)
