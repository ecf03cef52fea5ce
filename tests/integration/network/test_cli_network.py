"""`carrier nas ...`, and a card's usage and data cap in `carrier cards show|explain`."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from carrier_gateway.db import Database
from provisioning.network import accounting
from provisioning.network.tables import nas_clients
from tests.integration.network.kit import cards_in
from tests.support.cli import carrier


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    assert carrier("init", "--database-url", url).code == 0
    return url


def test_nas_add_list_remove(url: str, tmp_path: Path) -> None:
    made = carrier("nas", "add", "--name", "pgw1", "--address", "10.1.0.7", "--json", "--database-url", url)
    assert made.code == 0, made.err
    issued = made.json()
    assert set(issued) == {"id", "name", "address", "secret"} and issued["address"] == "10.1.0.7/32"
    assert len(issued["secret"]) >= 16
    human = carrier("nas", "add", "--name", "pgw2", "--address", "10.2.0.0/24", "--database-url", url)
    assert "secret" in human.out and "shown once" in human.out
    secret_file = tmp_path / "secret"
    secret_file.write_text("a-secret-the-tester-chose\n")
    chosen = carrier("nas", "add", "--name", "rig", "--address", "2001:db8::/64", "--secret-file", str(secret_file),
                     "--json", "--database-url", url).json()
    assert chosen["secret"] == "a-secret-the-tester-chose"
    listed = carrier("nas", "list", "--json", "--database-url", url).json()["items"]
    assert [n["name"] for n in listed] == ["pgw1", "pgw2", "rig"] and all("secret" not in n for n in listed)
    assert carrier("nas", "remove", "pgw2", "--database-url", url).code == 0
    assert [n["name"] for n in carrier("nas", "list", "--json", "--database-url", url).json()["items"]] == ["pgw1",
                                                                                                            "rig"]

    async def stored() -> list[str]:
        db = Database(url)
        try:
            async with db.read() as conn:
                return list((await conn.execute(nas_clients.select())).mappings().all())
        finally:
            await db.dispose()

    for row in asyncio.run(stored()):  # sealed, never in plaintext
        assert "a-secret-the-tester-chose" not in row["secret_enc"] and issued["secret"] not in row["secret_enc"]


@pytest.mark.parametrize(("args", "message"), [
    (["--name", "pgw1", "--address", "10.9.9.9"], "already has the name pgw1"),
    (["--name", "pgw9", "--address", "10.1.0.7/32"], "already has the address 10.1.0.7/32"),
    (["--name", "pgw9", "--address", "not-an-ip"], "is not an IPv4 or IPv6 address"),
    (["--name", "pgw9", "--address", "0.0.0.0/0"], "/0 prefix"),
    (["--name", "-x", "--address", "10.9.9.9"], "name must be"),
])
def test_nas_add_refusals_are_one_line(url: str, args: list[str], message: str) -> None:
    assert carrier("nas", "add", "--name", "pgw1", "--address", "10.1.0.7", "--database-url", url).code == 0
    result = carrier("nas", "add", *args, "--database-url", url)
    assert result.code != 0 and message in result.err and len(result.err.strip().splitlines()) == 1, result.err


def test_short_secret_and_unknown_nas(url: str, tmp_path: Path) -> None:
    short = tmp_path / "short"
    short.write_text("tiny")
    result = carrier("nas", "add", "--name", "p", "--address", "10.0.0.1", "--secret-file", str(short),
                     "--database-url", url)
    assert result.code == 1 and "16 to 128 characters" in result.err
    gone = carrier("nas", "remove", "nobody", "--database-url", url)
    assert gone.code == 1 and "no RADIUS client named 'nobody'" in gone.err


def test_cards_show_has_usage_and_explain_says_the_cap_is_reached(url: str) -> None:
    async def setup() -> str:
        db = Database(url)
        try:
            [card] = await cards_in(db, "TEST")
            async with db.write() as conn:
                await accounting.record(conn, accounting.Report("Stop", 1, "s-1", iccid=card.iccid,
                                                                input_octets=40 * 2**20, output_octets=10 * 2**20))
            return card.iccid
        finally:
            await db.dispose()

    iccid = asyncio.run(setup())
    shown = carrier("cards", "show", iccid, "--json", "--database-url", url).json()
    assert shown["data_usage"]["input_octets"] == 40 * 2**20 and shown["data_usage"]["sessions"] == 1
    assert shown["data_usage"]["period_mb"] == 50.0 and shown["data_usage"]["cap_mb"] == 50
    assert shown["services"]["data"]["allowed"] is False
    assert "this period 50.0 MB of 50 MB" in carrier("cards", "show", iccid, "--database-url", url).out
    explained = carrier("cards", "explain", iccid, "--database-url", url).out
    assert "data   DENIED  [DATA_CAP_REACHED] 50.0 MB used this period: the cap of 50 MB is reached" in explained
