"""Tables owned by the service layer: ops API tokens, OEM request nonces, serve processes."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Integer, String, Table, func

from numbering.dbtypes import UtcDateTime, new_metadata

metadata = new_metadata()

ops_tokens = Table(
    "ops_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    # SHA-256 of the token: tokens are 256-bit random, so a fast hash is enough.
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("label", String(200), nullable=False, server_default=""),
    Column("created_at", UtcDateTime, nullable=False, server_default=func.now()),
    Column("revoked_at", UtcDateTime, nullable=True),
)

#: Single-use request nonces of the OEM API, shared by every `carrier serve` process.
#: A nonce is remembered until its timestamp can no longer be accepted.
oem_nonces = Table(
    "oem_nonces",
    metadata,
    Column("key_id", String(64), primary_key=True),
    Column("nonce", String(64), primary_key=True),
    Column("expires_at", BigInteger, nullable=False, index=True),  # Unix seconds
)

#: One row per running `carrier serve` process, refreshed every few seconds (its heartbeat):
#: limits that hold for the whole service, such as an enterprise's request rate, are split
#: between the processes seen alive (see carrier_gateway.fleet).
serve_processes = Table(
    "serve_processes",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("seen_ms", BigInteger, nullable=False),  # Unix milliseconds of the last heartbeat
)
