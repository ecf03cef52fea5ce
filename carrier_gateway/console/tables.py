"""The console's own table: sign-in sessions, server-side.

A session belongs to the ops token it was opened with (``token_id``): it is valid only
while that token is, so revoking the token ends every session opened with it. The
cookie holds a random secret; only its SHA-256 is stored.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table, func

from carrier_gateway.tables import metadata
from numbering.dbtypes import UtcDateTime

console_sessions = Table(
    "console_sessions",
    metadata,
    Column("id", String(64), primary_key=True),  # SHA-256 of the cookie's secret
    Column("token_id", Integer, ForeignKey("ops_tokens.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("csrf", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False, server_default=func.now()),
    Column("seen_at", UtcDateTime, nullable=False, server_default=func.now()),
    Column("ended_at", UtcDateTime, nullable=True),
    # on the gateway's MetaData, defined in another module: a second import of this file
    # (pytest's doctest collection imports it as "console.tables" too) must find it, not redefine it
    keep_existing=True,
)
