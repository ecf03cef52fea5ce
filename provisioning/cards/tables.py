"""Tables of provisioning.cards (migration branch `cards`).

``cards`` takes a million rows per order: only the indexes that lookups need, and
every column the issuer does not set has a server-side default.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Index, Integer, String, Table, Text, func, text

from numbering.dbtypes import UtcDateTime
from provisioning.meta import metadata

_LIVE = "state <> 'TERMINATED'"

#: A purchase order; ``issued`` advances one committed chunk at a time, so an
#: interrupted order resumes exactly where it stopped. ``status``: OPEN (being issued
#: by whichever process claims it), STOPPED (resources ran out: ``stopped_reason``
#: says which; resumed on request) or COMPLETE.
card_orders = Table(
    "card_orders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("enterprise_id", Integer, nullable=False, index=True),
    Column("usage", String(16), nullable=False),
    Column("static_ip", Boolean, nullable=False),
    Column("count", Integer, nullable=False),
    Column("issued", Integer, nullable=False, server_default="0"),
    Column("chunk_size", Integer, nullable=False),
    Column("status", String(12), nullable=False, server_default="OPEN"),
    #: first serials of the ICCID and IMSI ranges reserved for the whole order
    Column("iccid_serial", BigInteger, nullable=False),
    Column("imsi_serial", BigInteger, nullable=False),
    Column("first_iccid", String(20), nullable=False),
    Column("last_iccid", String(20), nullable=False),
    Column("created_by", String(120), nullable=False),
    Column("created_at", UtcDateTime, nullable=False, server_default=func.now()),
    Column("completed_at", UtcDateTime, nullable=True),
    Column("stopped_reason", Text, nullable=True),
)

#: Cards. Enterprise and order are referenced by value (no foreign keys on the bulk path).
cards = Table(
    "cards",
    metadata,
    Column("iccid", String(20), primary_key=True),
    Column("imsi", String(15), nullable=False, unique=True),
    Column("msisdn", String(13), nullable=False),
    Column("static_ip", String(45), nullable=True),
    Column("enterprise_id", Integer, nullable=False),
    Column("order_id", Integer, nullable=False),
    Column("usage", String(16), nullable=False),
    Column("state", String(12), nullable=False, server_default="INVENTORY"),
    Column("real_name_status", String(10), nullable=False, server_default="NONE"),
    Column("registration_id", String(64), nullable=True),
    #: why the card is SUSPENDED: IMEI_CHANGE, REVERIFICATION_REJECTED or OPS
    Column("suspension_cause", String(32), nullable=True),
    Column("imei", String(15), nullable=True),
    Column("imei_bound_at", UtcDateTime, nullable=True),
    Column("state_changed_at", UtcDateTime, nullable=False, server_default=func.now()),
    Column("created_at", UtcDateTime, nullable=False, server_default=func.now()),
    Index("ix_cards_enterprise_iccid", "enterprise_id", "iccid"),
    Index("ix_cards_enterprise_state", "enterprise_id", "state"),
    # a number or address belongs to one live card; a terminated card keeps its record
    Index("uq_cards_live_msisdn", "msisdn", unique=True,
          sqlite_where=text(_LIVE), postgresql_where=text(_LIVE)),
    Index("uq_cards_live_static_ip", "static_ip", unique=True,
          sqlite_where=text(f"static_ip IS NOT NULL AND {_LIVE}"),
          postgresql_where=text(f"static_ip IS NOT NULL AND {_LIVE}")),
)

#: Every lifecycle transition: who, when, why.
card_history = Table(
    "card_history",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("iccid", String(20), nullable=False),
    Column("enterprise_id", Integer, nullable=False),
    Column("from_state", String(12), nullable=False),
    Column("to_state", String(12), nullable=False),
    Column("actor", String(120), nullable=False),
    Column("reason", Text, nullable=False),
    Column("at", UtcDateTime, nullable=False, server_default=func.now()),
    Index("ix_card_history_iccid", "iccid", "id"),
)
