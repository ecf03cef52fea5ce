"""Tables of provisioning.outbox (migration branch `outbox`)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, String, Table, Text, func

from numbering.dbtypes import UtcDateTime
from provisioning.meta import metadata

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("enterprise_id", Integer, nullable=False),
    Column("event", String(40), nullable=False),
    #: the JSON body to deliver (no personal data: ids, statuses, reason codes)
    Column("payload", Text, nullable=False),
    Column("status", String(12), nullable=False, server_default="PENDING"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    #: Unix seconds when the event may next be tried (also the lease of a claimed event)
    Column("due_at", BigInteger, nullable=False),
    Column("last_error", String(300), nullable=True),
    Column("created_at", UtcDateTime, nullable=False, server_default=func.now()),
    Column("delivered_at", UtcDateTime, nullable=True),
    Index("ix_outbox_status_due", "status", "due_at"),
)
