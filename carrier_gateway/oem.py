"""The OEM side of the running service: request authentication (with the enterprise rate
limit and the per-key upload slots), the acceptance batcher (group commit of single
pushes) and the identity authority in use."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncConnection

from carrier_gateway.appkeys import DB, KEYRING, SETTINGS
from carrier_gateway.batching import Batcher
from carrier_gateway.fleet import FLEET
from carrier_gateway.nonces import NONCE_USED, NonceStore
from carrier_gateway.oem_auth import KeyCheck, OemAuthenticator
from carrier_gateway.ratelimit import RateLimiter
from carrier_gateway.routing import OEM_AUTHENTICATOR, UPLOAD_SLOTS
from carrier_gateway.settings import Settings
from carrier_gateway.uploads import KeyUploadSlots
from numbering.dbtypes import utcnow
from provisioning.enterprises.credentials import USABLE_KEY, open_secret
from provisioning.registrations.accept import Incoming, Result
from provisioning.registrations.authority import IdentityAuthority, SandboxAuthority, UnconfiguredAuthority
from provisioning.registrations.intake import Outcome, accept_and_record

log = logging.getLogger("carrier.oem")

#: one read per signed request: the key if usable now, and whether the nonce was claimed
_KEY_AND_NONCE = USABLE_KEY.add_columns(NONCE_USED)
ACCEPTOR = web.AppKey("acceptor", Batcher)
NONCES = web.AppKey("nonces", NonceStore)
AUTHORITY = web.AppKey("authority", IdentityAuthority)


def identity_authority(settings: Settings) -> IdentityAuthority:
    if settings.sandbox:
        return SandboxAuthority(latency_seconds=settings.authority_latency,
                                failure_rate=settings.authority_failure_rate)
    return UnconfiguredAuthority()


async def oem_context(app: web.Application) -> AsyncIterator[None]:
    settings, db, keyring = app[SETTINGS], app[DB], app[KEYRING]

    async def lookup(conn: AsyncConnection, key_id: str, nonce: str) -> KeyCheck:
        row = (await conn.execute(_KEY_AND_NONCE, {"key_id": key_id, "nonce": nonce, "now": utcnow()})).first()
        if row is None:
            return KeyCheck(None, nonce_used=False)
        return KeyCheck((row.enterprise_id, [open_secret(keyring, key_id, row.secret_enc)]), row.nonce_used)

    async def flush(items: Sequence[Incoming]) -> Sequence[Outcome]:
        async with db.write() as conn:  # one pushed record the database refuses fails alone
            return await accept_and_record(conn, keyring, items, via="push")

    nonces = NonceStore(db)
    app[NONCES] = nonces
    fleet = app[FLEET]
    limiter = RateLimiter(settings.rate_limit_per_second, settings.rate_limit_burst, share=fleet.share,
                          unshared_wait=fleet.interval)
    app[OEM_AUTHENTICATOR] = OemAuthenticator(db, lookup, nonces, limiter)
    app[UPLOAD_SLOTS] = KeyUploadSlots(settings.max_uploads_per_key)
    acceptor: Batcher[Incoming, Result] = Batcher(flush, max_batch=1000)
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
