"""The OEM side of the running service: request authentication (with the enterprise rate
limit and the per-key upload slots), the acceptance batcher (group commit of single
pushes, each with its request's nonce) and the identity authority in use."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Sequence

from aiohttp import web

from carrier_gateway.appkeys import DB, HANDOFF, KEYRING, SETTINGS
from carrier_gateway.batching import Batcher
from carrier_gateway.db import Database
from carrier_gateway.fleet import FLEET
from carrier_gateway.nonces import USED_NONCES, NonceClaim, NonceStore, claim_nonces
from carrier_gateway.oem_auth import Credential, KeyCheck, OemAuthenticator, replayed, revoked
from carrier_gateway.ratelimit import RateLimiter
from carrier_gateway.routing import OEM_AUTHENTICATOR, UPLOAD_SLOTS
from carrier_gateway.settings import Settings
from carrier_gateway.uploads import KeyUploadSlots
from numbering.dbtypes import utcnow
from provisioning.enterprises.credentials import USABLE_KEYS, open_secret, still_usable
from provisioning.privacy.keyring import Keyring
from provisioning.registrations.accept import Incoming, Result
from provisioning.registrations.authority import IdentityAuthority, SandboxAuthority, UnconfiguredAuthority
from provisioning.registrations.intake import Outcome, accept_and_record

log = logging.getLogger("carrier.oem")

#: a single push: its record, and its request's nonce (claimed in the same commit)
Push = tuple[Incoming, NonceClaim]
ACCEPTOR = web.AppKey("acceptor", Batcher)
NONCES = web.AppKey("nonces", NonceStore)
AUTHORITY = web.AppKey("authority", IdentityAuthority)


def identity_authority(settings: Settings) -> IdentityAuthority:
    if settings.sandbox:
        return SandboxAuthority(latency_seconds=settings.authority_latency,
                                failure_rate=settings.authority_failure_rate)
    return UnconfiguredAuthority()


class KeyReader:
    """The key and nonce of every signed request, read when it arrives: the requests that
    arrive together share one read transaction (two statements), instead of one each.
    A key's secret is decrypted once per sealed value and kept in memory: a rotation
    seals a new value, a revocation is seen by the read itself.

    ``recent`` answers from the last read of a key, if it is at most ``fresh_for``
    seconds old: only for an endpoint whose own commit checks the key again
    (``still_usable``), so a revocation still stops every write at once."""

    _MAX_SECRETS = 4096

    def __init__(self, db: Database, keyring: Keyring, *, fresh_for: float = 2.0) -> None:
        self._db = db
        self._keyring = keyring
        self._fresh_for = fresh_for
        self._secrets: dict[tuple[str, str], str] = {}
        self._read_at: dict[str, tuple[float, Credential]] = {}
        self._batcher: Batcher[tuple[str, str], KeyCheck] = Batcher(self._read, max_batch=500)

    async def check(self, key_id: str, nonce: str) -> KeyCheck:
        return await self._batcher.submit((key_id, nonce))

    def recent(self, key_id: str) -> Credential | None:
        seen = self._read_at.get(key_id)
        if seen is None or time.monotonic() - seen[0] > self._fresh_for:
            return None
        return seen[1]

    async def _read(self, asked: Sequence[tuple[str, str]]) -> list[KeyCheck]:
        params = {"key_ids": sorted({key for key, _ in asked}), "nonces": sorted({nonce for _, nonce in asked})}
        async with self._db.read() as conn:
            keys = {row.key_id: row for row in await conn.execute(USABLE_KEYS, {**params, "now": utcnow()})}
            used = {(row.key_id, row.nonce) for row in await conn.execute(USED_NONCES, params)}
        out, now = [], time.monotonic()
        if len(self._read_at) >= self._MAX_SECRETS:
            self._read_at.clear()
        for key_id, nonce in asked:
            row = keys.get(key_id)
            credential = None if row is None else (row.enterprise_id, [self._secret(key_id, row.secret_enc)])
            if credential is None:
                self._read_at.pop(key_id, None)
            else:
                self._read_at[key_id] = (now, credential)
            out.append(KeyCheck(credential, nonce_used=(key_id, nonce) in used))
        return out

    def _secret(self, key_id: str, sealed: str) -> str:
        secret = self._secrets.get((key_id, sealed))
        if secret is None:
            if len(self._secrets) >= self._MAX_SECRETS:
                self._secrets.clear()
            secret = self._secrets[(key_id, sealed)] = open_secret(self._keyring, key_id, sealed)
        return secret


async def oem_context(app: web.Application) -> AsyncIterator[None]:
    settings, db, keyring = app[SETTINGS], app[DB], app[KEYRING]

    async def flush(items: Sequence[Push]) -> Sequence[Outcome | Exception]:
        """One group commit: the keys still usable and the nonces first (a revoked key
        or a replay is refused, and stores nothing), then the records (one the database
        refuses fails alone). The rows are sealed before the write lock is taken."""
        handoff = app[HANDOFF]
        prepared = handoff.prepare(keyring, [item for item, _ in items])
        async with db.write() as conn:
            usable = await still_usable(conn, {nonce.key_id for _, nonce in items})
            fresh = await claim_nonces(conn, [nonce for _, nonce in items])
            refusals: list[Exception | None] = []
            for (item, nonce), first in zip(items, fresh, strict=True):
                if usable.get(nonce.key_id) != item.enterprise_id:
                    refusals.append(revoked())
                elif not first:
                    refusals.append(replayed())
                else:
                    refusals.append(None)
            storing = prepared.only([i for i, refusal in enumerate(refusals) if refusal is None])
            accepted = await accept_and_record(conn, storing, via="push")
        handoff.give(storing, accepted)  # committed: to this process's verifier
        stored = iter(accepted)
        return [next(stored) if refusal is None else refusal for refusal in refusals]

    nonces = NonceStore(db)
    app[NONCES] = nonces
    fleet = app[FLEET]
    limiter = RateLimiter(settings.rate_limit_per_second, settings.rate_limit_burst, share=fleet.share,
                          unshared_wait=fleet.interval)
    app[OEM_AUTHENTICATOR] = OemAuthenticator(KeyReader(db, keyring), nonces, limiter)
    app[UPLOAD_SLOTS] = KeyUploadSlots(settings.max_uploads_per_key)
    acceptor: Batcher[Push, Result] = Batcher(flush, max_batch=1000)
    app[ACCEPTOR] = acceptor
    authority = identity_authority(settings)
    app[AUTHORITY] = authority
    if authority.name == "none":
        log.warning("no identity authority configured: registrations stay PENDING until one is "
                    "(run with --sandbox for the simulated authority)")
    try:
        yield
    finally:
        await acceptor.drain()
        await nonces.drain()
