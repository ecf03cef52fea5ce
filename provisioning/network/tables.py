"""Tables of provisioning.network (migration branch `network`).

``network_nas``: the packet gateways (RADIUS clients) allowed to ask, by address or
prefix; the shared secret is sealed with the master keyring (RADIUS needs the secret
itself to check and sign packets, so it cannot be only hashed).
``network_sessions``: one row per accounting session (``Acct-Session-Id`` of a NAS),
holding the session's latest cumulative octet counts; usage is their sum.
``network_leases``: the address a card without a static one holds while attached
(one per card), taken from its enterprise's prefix on the APN, given back at Stop.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, String, Table, Text, UniqueConstraint, func

from numbering.dbtypes import UtcDateTime
from provisioning.meta import metadata

nas_clients = Table(
    "network_nas",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    #: an address or a prefix in canonical CIDR form (10.0.0.1/32, 2001:db8::/48)
    Column("address", String(43), nullable=False, unique=True),
    Column("secret_enc", Text, nullable=False),
    Column("created_by", String(120), nullable=False),
    Column("created_at", UtcDateTime, nullable=False, server_default=func.now()),
)

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

leases = Table(
    "network_leases",
    metadata,
    Column("iccid", String(20), primary_key=True),
    Column("enterprise_id", Integer, nullable=False),
    Column("apn", String(63), nullable=False),
    Column("address", String(45), nullable=False, unique=True),
    Column("leased_at", UtcDateTime, nullable=False, server_default=func.now()),
)
