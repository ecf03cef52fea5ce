"""The report scenario as a fixture, and the CLI runner the report tests share."""

from __future__ import annotations

import asyncio

import pytest

from carrier_gateway.db import Database
from provisioning.privacy.keyring import Keyring
from tests.integration.reports.scenario import World, build_world
from tests.support.cli import Result, carrier


@pytest.fixture
async def world(db: Database, db_url: str, master_key: Keyring) -> World:
    return await build_world(db, db_url, master_key)


async def cli(db_url: str, *args: str) -> Result:
    """`carrier report inspection ARGS` on this database (in-process, off the event loop)."""
    return await asyncio.to_thread(carrier, "report", "inspection", *args, "--database-url", db_url)
