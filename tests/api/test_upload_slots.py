"""At most CARRIER_MAX_UPLOADS_PER_KEY uploads per API key at once: the next is a 429 with
Retry-After, decided from its headers; another key is not affected."""

from __future__ import annotations

import asyncio

from carrier_gateway.db import Database
from carrier_gateway.signing import signed_headers
from provisioning.privacy.keyring import Keyring
from tests.support.http import app_client
from tests.support.jobfiles import valid_file
from tests.support.rawhttp import RawConnection, head
from tests.support.world import Oem, build_oem

PATH = "/v1/jobs/registrations"


def _signed_upload(oem: Oem, body: bytes) -> dict[str, str]:
    return {**signed_headers(oem.key_id, oem.secret, "POST", PATH, body), "Content-Type": "application/x-ndjson"}


def _hold(port: int, oem: Oem, body: bytes) -> RawConnection:
    """An upload whose headers were accepted (100 Continue) and whose body is not sent yet."""
    conn = RawConnection(port)
    assert conn.send(head("POST", PATH, {**_signed_upload(oem, body), "Content-Length": str(len(body)),
                                         "Expect": "100-continue"}))
    assert conn.answer().status == 100
    return conn


def _finish(conn: RawConnection, body: bytes) -> int:
    try:
        assert conn.send(body)
        return conn.answer().status
    finally:
        conn.close()


async def test_a_key_past_its_concurrent_uploads_gets_429_and_its_slot_back_when_one_ends(
        db_url: str, db: Database, master_key: Keyring) -> None:
    oem = await build_oem(db, master_key, cards=6)
    other = await build_oem(db, master_key, cards=1, seed=9)
    bodies = [valid_file(oem, 1, first_card=i) for i in range(5)]
    async with app_client(db_url, workers=0, max_uploads_per_key=2) as http:
        held = [await asyncio.to_thread(_hold, http.port, oem, bodies[i]) for i in (0, 1)]
        refused = await http.post(PATH, data=bodies[2], headers=_signed_upload(oem, bodies[2]))
        problem = await refused.json()
        assert refused.status == 429 and problem["code"] == "TOO_MANY_UPLOADS"
        assert int(refused.headers["Retry-After"]) >= 1
        theirs = await http.post(PATH, data=valid_file(other, 1), headers=_signed_upload(other, valid_file(other, 1)))
        assert theirs.status == 202  # the slots are per key
        assert await asyncio.to_thread(_finish, held[0], bodies[0]) == 202
        again = await http.post(PATH, data=bodies[3], headers=_signed_upload(oem, bodies[3]))
        assert again.status == 202
        assert await asyncio.to_thread(_finish, held[1], bodies[1]) == 202
