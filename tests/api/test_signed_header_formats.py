"""The signing headers are matched whole against their formats: what Python's int() would
also take is refused, and a malformed header is a 401 naming it, never a 500."""

from __future__ import annotations

import asyncio
import time

import pytest

from carrier_gateway.db import Database
from carrier_gateway.signing import sign, signed_headers
from provisioning.privacy.keyring import Keyring
from tests.support.http import app_client
from tests.support.rawhttp import RawConnection, head
from tests.support.world import Oem, build_oem


def _get(port: int, path: str, headers: dict[str, str]) -> tuple[int, str]:
    """A GET with headers sent exactly as given (UTF-8), which aiohttp's client would not."""
    conn = RawConnection(port)
    try:
        conn.send(head("GET", path, headers))
        answer = conn.answer()
        return answer.status, answer.body.decode()
    finally:
        conn.close()


@pytest.fixture
async def world(db: Database, master_key: Keyring) -> Oem:
    return await build_oem(db, master_key, cards=1)


@pytest.mark.parametrize("shape", ["+{now}", "{head}_{tail}", "000{now}", "{now}\u0660"])
async def test_a_timestamp_is_1_to_12_ascii_digits(db_url: str, world: Oem, shape: str) -> None:
    now = str(int(time.time()))
    ts = shape.format(now=now, head=now[:4], tail=now[4:])
    path, nonce = f"/v1/cards/{world.iccids[0]}", "format-check-nonce-01"
    headers = {"X-Carrier-Key": world.key_id, "X-Carrier-Timestamp": ts, "X-Carrier-Nonce": nonce,
               "X-Carrier-Signature": sign(world.secret, "GET", path, ts, nonce, b"")}  # correctly signed

    async with app_client(db_url, workers=0) as http:
        status, body = await asyncio.to_thread(_get, http.port, path, headers)
        assert status == 401 and "X-Carrier-Timestamp must be Unix seconds: 1 to 12 ASCII digits" in body
        good = signed_headers(world.key_id, world.secret, "GET", path, b"")
        assert (await http.get(path, headers=good)).status == 200


@pytest.mark.parametrize("signature", ["é" * 64, "g" * 64, "a" * 63])
async def test_a_malformed_signature_is_401_naming_the_header(db_url: str, world: Oem, signature: str) -> None:
    path = f"/v1/cards/{world.iccids[0]}"
    headers = {**signed_headers(world.key_id, world.secret, "GET", path, b""), "X-Carrier-Signature": signature}

    async with app_client(db_url, workers=0) as http:
        status, body = await asyncio.to_thread(_get, http.port, path, headers)
    assert status == 401 and "X-Carrier-Signature must be 64 hexadecimal digits" in body
