"""The simulator's webhook receiver checks deliveries the way an OEM must."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from carrier_gateway.signing import signed_headers
from carrier_gateway.simulate.receiver import WebhookReceiver
from carrier_gateway.webhooks import DELIVERY_HEADER, EVENT_HEADER

BODY = {"event": "registration.verified", "registration_id": "r01", "iccid": "89860400000000000015",
        "status": "VERIFIED", "reasons": [], "occurred_at": "2026-11-20T10:00:00+00:00"}


@pytest.fixture
async def hooks() -> AsyncIterator[tuple[WebhookReceiver, TestClient]]:
    receiver = WebhookReceiver()
    receiver.trust(0, "ak_oem0", "secret-0")
    receiver.trust(1, "ak_oem1", "secret-1")
    async with TestClient(TestServer(receiver.app())) as client:
        yield receiver, client


def _headers(key: str, secret: str, path: str, body: bytes, delivery: str, **kw: object) -> dict[str, str]:
    return {**signed_headers(key, secret, "POST", path, body, **kw),  # type: ignore[arg-type]
            "Content-Type": "application/json", EVENT_HEADER: "registration.verified", DELIVERY_HEADER: delivery}


async def test_a_signed_delivery_counts_once_and_a_repeat_is_noticed(hooks: tuple[WebhookReceiver, TestClient]
                                                                     ) -> None:
    receiver, client = hooks
    body = json.dumps(BODY).encode()
    for _ in range(2):
        resp = await client.post("/hooks/0", data=body, headers=_headers("ak_oem0", "secret-0", "/hooks/0", body, "7"))
        assert resp.status == 200
    assert receiver.tally.by_event == {"registration.verified": 1} and receiver.tally.repeats == 1


@pytest.mark.parametrize(("why", "status", "path", "key", "secret", "extra"), [
    ("bad signature", 401, "/hooks/0", "ak_oem0", "not-the-secret", {}),
    ("unknown key", 401, "/hooks/0", "ak_oem1", "secret-1", {}),  # another OEM's key on this OEM's URL
    ("unknown key", 401, "/hooks/0", "ak_nobody", "secret-0", {}),
    ("stale timestamp", 401, "/hooks/0", "ak_oem0", "secret-0", {"now": 1_000_000_000}),
])
async def test_a_delivery_failing_a_check_is_refused_and_not_counted(
        hooks: tuple[WebhookReceiver, TestClient], why: str, status: int, path: str, key: str, secret: str,
        extra: dict[str, object]) -> None:
    receiver, client = hooks
    body = json.dumps(BODY).encode()
    resp = await client.post(path, data=body, headers=_headers(key, secret, path, body, "8", **extra))
    assert resp.status == status
    assert receiver.tally.received == 0 and receiver.tally.refused == {why: 1}


async def test_a_reused_nonce_and_a_malformed_body_are_refused(hooks: tuple[WebhookReceiver, TestClient]) -> None:
    receiver, client = hooks
    body = json.dumps(BODY).encode()
    headers = _headers("ak_oem0", "secret-0", "/hooks/0", body, "9", nonce="n" * 20)
    assert (await client.post("/hooks/0", data=body, headers=headers)).status == 200
    again = _headers("ak_oem0", "secret-0", "/hooks/0", body, "10", nonce="n" * 20)
    assert (await client.post("/hooks/0", data=body, headers=again)).status == 401
    partial = json.dumps({k: v for k, v in BODY.items() if k != "reasons"}).encode()
    resp = await client.post("/hooks/0", data=partial, headers=_headers("ak_oem0", "secret-0", "/hooks/0", partial,
                                                                         "11"))
    assert resp.status == 400
    assert receiver.tally.received == 1 and receiver.tally.refused == {"nonce reused": 1, "malformed body": 1}
