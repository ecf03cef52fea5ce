"""OEM request authentication: key id, timestamp window, single-use nonce, HMAC signature.

Every failure is a 401 whose detail says which check failed (never which secret).
A valid caller over its enterprise's rate gets 429 with Retry-After.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncConnection

from carrier_gateway.db import Database
from carrier_gateway.nonces import NonceStore
from carrier_gateway.principal import Principal
from carrier_gateway.ratelimit import RateLimiter, retry_after_header
from carrier_gateway.routing import Unauthenticated
from carrier_gateway.signing import (
    KEY_HEADER,
    MAX_SKEW_SECONDS,
    NONCE_HEADER,
    NONCE_RE,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    signature_matches_digest,
)
from numbering.errors import DomainError

#: (enterprise id, the secrets valid now: the current one and any in its rotation grace)
Credential = tuple[int, list[str]]
CredentialLookup = Callable[[AsyncConnection, str], Awaitable[Credential | None]]
_CACHE_SECONDS = 5.0
_SCHEME = 'Carrier-HMAC-SHA256 headers="X-Carrier-Key X-Carrier-Timestamp X-Carrier-Nonce X-Carrier-Signature"'


class RateLimited(DomainError):
    status = 429
    code = "RATE_LIMITED"
    title = "Too many requests"

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"this enterprise's request rate is exceeded; retry after {retry_after:.1f} s")
        self.headers = {"Retry-After": retry_after_header(retry_after)}


def _fail(detail: str) -> Unauthenticated:
    return Unauthenticated(detail, scheme=_SCHEME)


class OemAuthenticator:
    def __init__(self, db: Database, lookup: CredentialLookup, nonces: NonceStore, limiter: RateLimiter) -> None:
        self._db = db
        self._lookup = lookup
        self._nonces = nonces
        self._limiter = limiter
        self._cache: dict[str, tuple[float, Credential | None]] = {}

    async def check(self, request: web.Request, body_sha256: str) -> Principal:
        headers = request.headers
        missing = [h for h in (KEY_HEADER, TIMESTAMP_HEADER, NONCE_HEADER, SIGNATURE_HEADER) if not headers.get(h)]
        if missing:
            raise _fail(f"missing {', '.join(missing)}: every /v1 request must be signed")
        key_id, ts, nonce, signature = (headers[KEY_HEADER], headers[TIMESTAMP_HEADER], headers[NONCE_HEADER],
                                        headers[SIGNATURE_HEADER])
        try:
            timestamp = int(ts)
        except ValueError:
            raise _fail(f"{TIMESTAMP_HEADER} must be Unix seconds") from None
        skew = abs(time.time() - timestamp)
        if skew > MAX_SKEW_SECONDS:
            raise _fail(f"{TIMESTAMP_HEADER} is {skew:.0f} s from the server clock (at most {MAX_SKEW_SECONDS})")
        if not NONCE_RE.match(nonce):
            raise _fail(f"{NONCE_HEADER} must be 16 to 64 characters [A-Za-z0-9_-]")
        credential = await self._credential(key_id)
        if credential is None:
            raise _fail("unknown or revoked API key")
        enterprise_id, secrets = credential
        path = request.raw_path
        if not any(signature_matches_digest(s, signature, request.method, path, ts, nonce, body_sha256)
                   for s in secrets):
            raise _fail("signature does not match (check the secret, the path with query, and the body hash)")
        wait = self._limiter.take(enterprise_id)
        if wait is not None:
            raise RateLimited(wait)
        if not await self._nonces.claim(key_id, nonce, timestamp):
            raise _fail(f"{NONCE_HEADER} was already used: a replayed request")
        return Principal(kind="oem", role="oem", key_id=key_id, enterprise_id=enterprise_id)

    async def _credential(self, key_id: str) -> Credential | None:
        now = time.monotonic()
        cached = self._cache.get(key_id)
        if cached is not None and cached[0] > now:
            return cached[1]
        async with self._db.read() as conn:
            credential = await self._lookup(conn, key_id)
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[key_id] = (now + _CACHE_SECONDS, credential)
        return credential
