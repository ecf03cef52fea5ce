"""Database fixtures: every storage test runs on SQLite and, when
CARRIER_TEST_POSTGRES_URL is set, on PostgreSQL too (a fresh database per test,
copied from a template migrated once per run). An unreachable PostgreSQL fails the
run; it never skips."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from carrier_gateway.db import Database
from carrier_gateway.migrate import upgrade
from provisioning.privacy.keyring import ENV_VAR, Keyring, new_keyring
from tests.support import pg

POSTGRES_ENV = "CARRIER_TEST_POSTGRES_URL"


def backends() -> list[str]:
    return ["sqlite", "postgres"] if os.environ.get(POSTGRES_ENV) else ["sqlite"]


async def _migrate(url: str) -> None:
    db = Database(url)
    try:
        await upgrade(db)
    finally:
        await db.dispose()


_SESSION_KEYRING = new_keyring()


@pytest.fixture(autouse=True)
def master_key(monkeypatch: pytest.MonkeyPatch) -> Keyring:
    """Every test (and every process it starts) gets a master key through the
    environment; tests about key files remove it with monkeypatch.delenv."""
    monkeypatch.setenv(ENV_VAR, _SESSION_KEYRING.to_json())
    return _SESSION_KEYRING


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    asyncio.run(_migrate(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pg.Server]:
    server = pg.Server(os.environ[POSTGRES_ENV])
    # each xdist worker (gw0, gw1...) migrates its own template: one run, several processes
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    template = server.create_database(suffix=f"tpl_{worker}_{uuid.uuid4().hex[:6]}")
    asyncio.run(_migrate(server.url_for(template)))
    server.template = template
    try:
        yield server
    finally:
        server.drop_all()


@pytest.fixture(params=backends())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, migrated, empty database on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "carrier.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    server: pg.Server = request.getfixturevalue("pg_server")
    name = server.create_database(suffix=uuid.uuid4().hex[:10], template=server.template)
    try:
        yield server.url_for(name)
    finally:
        server.drop_database(name)


@pytest.fixture
def backend(db_url: str) -> str:
    return make_url(db_url).get_backend_name()


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = Database(db_url)
    try:
        yield database
    finally:
        await database.dispose()


#: the backend parameter in a test id, e.g. ``test_x[sqlite]`` or ``test_y[postgres-args0]``
_BACKEND_ID = re.compile(r"\[(?:[^\]]*-)?(sqlite|postgres)(?:-[^\]]*)?\]$")


def _backend_of(nodeid: str) -> str | None:
    """The storage backend a test ran on (from its id: this also works for reports that
    parallel workers send back, which carry no parameters)."""
    found = _BACKEND_ID.search(nodeid)
    return found.group(1) if found else None


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config) -> None:
    counts: dict[str, dict[str, int]] = {}
    for outcome in ("passed", "failed", "error", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            name = _backend_of(getattr(report, "nodeid", ""))
            if name is not None and getattr(report, "when", "call") in ("call", "setup"):
                if outcome == "passed" and report.when != "call":
                    continue
                counts.setdefault(name, {}).setdefault(outcome, 0)
                counts[name][outcome] += 1
    terminalreporter.section("storage tests per database backend")
    for name in ("sqlite", "postgres"):
        summary = ", ".join(f"{n} {o}" for o, n in sorted(counts.get(name, {}).items())) or "not run"
        if name == "postgres" and not os.environ.get(POSTGRES_ENV):
            summary += f" ({POSTGRES_ENV} not set)"
        terminalreporter.write_line(f"{name}: {summary}")
