"""Tables of provisioning.backfill (migration branch `backfill`)."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, func

from numbering.dbtypes import UtcDateTime
from provisioning.meta import metadata

#: Cards that must be registered late. A card is done once it has a verified
#: registration (of any stage); that is looked up, never copied here.
backfill_cards = Table(
    "backfill_cards",
    metadata,
    Column("iccid", String(20), primary_key=True),
    Column("enterprise_id", Integer, nullable=False),
    Column("flagged_by", String(120), nullable=False),
    Column("flagged_at", UtcDateTime, nullable=False, server_default=func.now()),
    Index("ix_backfill_cards_enterprise_iccid", "enterprise_id", "iccid"),
)
