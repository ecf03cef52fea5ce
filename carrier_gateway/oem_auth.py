"""OEM request authentication: key id, timestamp window, single-use nonce, HMAC signature.

Two phases, so that an upload is judged before its body is read:
1. ``admit`` (headers only): the header formats and the timestamp window
   (``signing.read_signed_headers``, shared with every receiver of signed requests), the
   key (read from the database for every request, with whether the nonce was used
   already; the requests that arrive together share one read, see ``oem.KeyReader``: a
   revocation holds at once in every process; an endpoint whose commit checks the key
   again may be admitted on the key as read a moment ago),
   ``Content-Encoding``, and the enterprise's rate;
2. ``confirm`` (once the body is received and hashed): the signature over the body hash
   (``signing.check_signature``), then the nonce claim, so a request with a bad
   signature does not burn its nonce. An endpoint that stores what it was sent may claim
   the nonce in that same transaction instead (the single registration push: its group
   commit), so one commit both spends the nonce and keeps the record.

Every failure is a 401 whose detail says which check failed (never which secret).
A valid caller over its enterprise's rate gets 429 with Retry-After.
"""

from __future__ import annotations

import dataclasses
from typing import Protocol

from aiohttp import web

from carrier_gateway.nonces import NonceClaim, NonceStore
from carrier_gateway.principal import Principal
from carrier_gateway.ratelimit import RateLimiter
from carrier_gateway.routing import Unauthenticated
from carrier_gateway.signing import (
    NONCE_HEADER,
    SignatureRefused,
    SignedHeaders,
    check_signature,
    read_signed_headers,
)
from numbering.errors import DomainError

#: (enterprise id, the secrets valid now: the current one and any in its rotation grace)
Credential = tuple[int, list[str]]


@dataclasses.dataclass(frozen=True)
class KeyCheck:
    """What one read tells about a request's key and nonce (None: unknown or unusable key)."""

    credential: Credential | None
    nonce_used: bool


class KeySource(Protocol):
    async def check(self, key_id: str, nonce: str) -> KeyCheck:
        """The key's credential and whether the nonce was claimed, read now."""
        ...

    def recent(self, key_id: str) -> Credential | None:
        """The key's credential as read a moment ago (None: not read lately, or unusable)."""
        ...
_SCHEME = 'Carrier-HMAC-SHA256 headers="X-Carrier-Key X-Carrier-Timestamp X-Carrier-Nonce X-Carrier-Signature"'


class RateLimited(DomainError):
    status = 429
    code = "RATE_LIMITED"
    title = "Too many requests"

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"this enterprise's request rate is exceeded; retry after {retry_after:.1f} s")
        self.retry_after = retry_after


class EncodedBody(DomainError):
    """The signature covers the body as sent; a decoded body could be any size (a small
    gzip bomb expands a thousandfold), so a signed request's body is never decoded."""

    status = 415
    code = "UNSUPPORTED_CONTENT_ENCODING"
    title = "Unsupported content encoding"


def _fail(detail: str) -> Unauthenticated:
    return Unauthenticated(detail, scheme=_SCHEME)


@dataclasses.dataclass(frozen=True)
class SignedRequest:
    """A request whose headers passed; its body is checked against the signature next."""

    principal: Principal
    secrets: tuple[str, ...]
    method: str
    path: str
    signed: SignedHeaders
    nonces: NonceStore

    async def confirm(self, body_sha256: str, *, claim_nonce: bool = True) -> Principal:
        try:
            check_signature(self.signed, self.secrets, self.method, self.path, body_sha256)
        except SignatureRefused as exc:
            raise _fail(str(exc)) from None
        if claim_nonce and not await self.nonces.claim(self.principal.key_id, self.signed.nonce,
                                                       int(self.signed.timestamp)):
            raise replayed()
        return self.principal

    @property
    def nonce(self) -> NonceClaim:
        return NonceClaim.of(self.principal.key_id, self.signed.nonce, int(self.signed.timestamp))


def replayed() -> Unauthenticated:
    """The refusal of a request whose nonce was used before."""
    return _fail(f"{NONCE_HEADER} was already used: a replayed request")


def revoked() -> Unauthenticated:
    """The refusal of a request whose key is unknown, revoked or past its grace."""
    return _fail("unknown or revoked API key")


class OemAuthenticator:
    def __init__(self, keys: KeySource, nonces: NonceStore, limiter: RateLimiter) -> None:
        self._keys = keys
        self._nonces = nonces
        self._limiter = limiter

    async def admit(self, request: web.Request, *, confirmed_in_commit: bool = False) -> SignedRequest:
        """``confirmed_in_commit``: the handler's commit claims the nonce and checks the
        key again (``still_usable``), so a credential read a moment ago admits the
        request without a read of its own; a key not read lately is read as always."""
        try:
            signed = read_signed_headers(request.headers)
        except SignatureRefused as exc:
            raise _fail(str(exc)) from None
        credential = self._keys.recent(signed.key_id) if confirmed_in_commit else None
        if credential is None:
            found = await self._keys.check(signed.key_id, signed.nonce)
            if found.credential is None:
                raise revoked()
            if found.nonce_used:
                raise replayed()
            credential = found.credential
        encoding = request.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding not in ("", "identity"):
            raise EncodedBody("send the body as is (no Content-Encoding, or identity): the signature covers the "
                              "bytes sent, and a signed body is never decompressed")
        enterprise_id, secrets = credential
        wait = self._limiter.take(enterprise_id)
        if wait is not None:
            raise RateLimited(wait)
        return SignedRequest(Principal(kind="oem", role="oem", key_id=signed.key_id, enterprise_id=enterprise_id),
                             tuple(secrets), request.method, request.raw_path, signed, self._nonces)
