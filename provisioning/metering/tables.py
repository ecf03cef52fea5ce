"""The table of provisioning.metering; its migrations are the `network` branch's (it is
listed in ``provisioning.network.tables``), since gateways' accounting creates it.

``network_sessions``: one row per accounting session (``Acct-Session-Id`` of a NAS),
holding the session's latest cumulative octet counts; usage is their sum.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, String, Table, UniqueConstraint, func

from numbering.dbtypes import UtcDateTime
from provisioning.meta import metadata

sessions = Table(
    "network_sessions",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("nas_id", Integer, nullable=False),
    Column("acct_session_id", String(64), nullable=False),
    Column("iccid", String(20), nullable=False),
    Column("enterprise_id", Integer, nullable=False),
    Column("apn", String(63), nullable=True),
    Column("framed_ip", String(45), nullable=True),
    #: OPEN until a Stop (or the NAS's Accounting-On/Off) closes it
    Column("status", String(8), nullable=False, server_default="OPEN"),
    #: cumulative counts as last reported (Gigawords folded in); a late or repeated
    #: report never lowers them, so a retransmitted Stop counts once
    Column("input_octets", BigInteger, nullable=False, server_default="0"),
    Column("output_octets", BigInteger, nullable=False, server_default="0"),
    Column("terminate_cause", String(32), nullable=True),
    Column("started_at", UtcDateTime, nullable=False, server_default=func.now()),
    Column("updated_at", UtcDateTime, nullable=False, server_default=func.now()),
    Column("stopped_at", UtcDateTime, nullable=True),
    UniqueConstraint("nas_id", "acct_session_id"),
    Index("ix_network_sessions_iccid_started", "iccid", "started_at"),
    Index("ix_network_sessions_enterprise_started", "enterprise_id", "started_at"),
    Index("ix_network_sessions_nas_status", "nas_id", "status"),
)
