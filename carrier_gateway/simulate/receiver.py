"""The simulated OEMs' webhook endpoint: checks every delivery the way an OEM should
(``signing.verify_signed_request``: headers, fresh timestamp, a key of the right
enterprise, HMAC over the request; then an unused nonce and the webhook body of
docs/oem-api.md#webhooks) and counts what arrived.

A delivery that fails a check is answered 401 or 400, so the carrier keeps it in its
outbox and retries; it is counted under ``refused`` and never as received.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from typing import Any

from aiohttp import web

from carrier_gateway.signing import SignatureRefused, verify_signed_request
from carrier_gateway.webhooks import DELIVERY_HEADER, EVENT_HEADER

BODY_FIELDS = ("event", "registration_id", "iccid", "status", "reasons", "occurred_at")
EVENTS = ("registration.verified", "registration.rejected", "card.suspended")


@dataclasses.dataclass
class Tally:
    #: distinct deliveries accepted, by event
    by_event: Counter[str] = dataclasses.field(default_factory=Counter)
    #: a delivery id seen again (the outbox delivers at least once)
    repeats: int = 0
    #: deliveries answered 4xx, by the check they failed
    refused: Counter[str] = dataclasses.field(default_factory=Counter)

    @property
    def received(self) -> int:
        return sum(self.by_event.values())


class WebhookReceiver:
    def __init__(self) -> None:
        self.tally = Tally()
        self._secrets: dict[str, dict[str, str]] = {}  # the OEM in the URL -> its key ids -> secrets
        self._seen: set[str] = set()
        self._nonces: set[str] = set()

    def trust(self, oem: int, key_id: str, secret: str) -> None:
        """Deliveries to ``/hooks/<oem>`` must be signed with this key."""
        self._secrets.setdefault(str(oem), {})[key_id] = secret

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/hooks/{oem:[0-9]+}", self.handle)
        return app

    def _refuse(self, status: int, why: str) -> web.Response:
        self.tally.refused[why] += 1
        return web.json_response({"error": why}, status=status)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = request.headers
        try:  # another OEM's key on this OEM's URL is an unknown key here
            signed = verify_signed_request(headers, body, self._secrets.get(request.match_info["oem"], {}),
                                           request.method, request.path_qs)
        except SignatureRefused as refused:
            return self._refuse(401, refused.check)
        if signed.nonce in self._nonces:
            return self._refuse(401, "nonce reused")
        self._nonces.add(signed.nonce)
        payload = _payload(body)
        if payload is None or payload["event"] != headers.get(EVENT_HEADER) or payload["event"] not in EVENTS:
            return self._refuse(400, "malformed body")
        delivery = headers.get(DELIVERY_HEADER, "")
        if delivery in self._seen:
            self.tally.repeats += 1
        else:
            self._seen.add(delivery)
            self.tally.by_event[payload["event"]] += 1
        return web.json_response({"received": True})


def _payload(body: bytes) -> dict[str, Any] | None:
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    if not isinstance(payload, dict) or any(field not in payload for field in BODY_FIELDS):
        return None
    return payload
