"""Tables of provisioning.network (migration branch `network`).

``network_nas``: the packet gateways (RADIUS clients) allowed to ask, by address or
prefix; the shared secret is sealed with the master keyring (RADIUS needs the secret
itself to check and sign packets, so it cannot be only hashed).
``network_sessions`` (defined in ``provisioning.metering.tables``, created by this
branch): one row per accounting session, with its latest cumulative octet counts.
``network_leases``: the address a card without a static one holds while attached
(one per card), taken from its enterprise's prefix on the APN, given back at Stop.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, String, Table, Text, func

from numbering.dbtypes import UtcDateTime
from provisioning.meta import metadata
from provisioning.metering.tables import sessions  # noqa: F401 - part of the network branch

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

leases = Table(
    "network_leases",
    metadata,
    Column("iccid", String(20), primary_key=True),
    Column("enterprise_id", Integer, nullable=False),
    Column("apn", String(63), nullable=False),
    Column("address", String(45), nullable=False, unique=True),
    Column("leased_at", UtcDateTime, nullable=False, server_default=func.now()),
)
