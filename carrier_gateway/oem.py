"""The OEM side of the running service: request authentication, the acceptance batcher
(group commit of single pushes) and the identity authority in use."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncConnection

from carrier_gateway.appkeys import DB, KEYRING, SETTINGS
from carrier_gateway.batching import Batcher
from carrier_gateway.nonces import NonceStore
from carrier_gateway.oem_auth import Credential, OemAuthenticator
from carrier_gateway.ratelimit import RateLimiter
from carrier_gateway.routing import OEM_AUTHENTICATOR
from carrier_gateway.settings import Settings
from provisioning.enterprises.credentials import credential_for
from provisioning.registrations.accept import Incoming, Result
from provisioning.registrations.authority import IdentityAuthority, SandboxAuthority, UnconfiguredAuthority
from provisioning.registrations.intake import Outcome, accept_and_record

log = logging.getLogger("carrier.oem")

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

    async def lookup(conn: AsyncConnection, key_id: str) -> Credential | None:
        return await credential_for(conn, keyring, key_id)

    async def flush(items: Sequence[Incoming]) -> Sequence[Outcome]:
        async with db.write() as conn:  # one pushed record the database refuses fails alone
            return await accept_and_record(conn, keyring, items, via="push")

    nonces = NonceStore(db)
    app[NONCES] = nonces
    app[OEM_AUTHENTICATOR] = OemAuthenticator(
        db, lookup, nonces, RateLimiter(settings.rate_limit_per_second, settings.rate_limit_burst))
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
