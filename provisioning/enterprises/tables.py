"""Tables of provisioning.enterprises (migration branch `enterprises`)."""

from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint, func, text

from numbering.dbtypes import UtcDateTime
from provisioning.meta import metadata

#: Purchasing enterprises: car makers (OEM) and the agents they authorise (AGENT).
enterprises = Table(
    "enterprises",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("uscc", String(18), nullable=False, unique=True),
    Column("kind", String(8), nullable=False, server_default="OEM"),
    #: AGENT only: the OEM that authorised it, and the authorisation's validity
    Column("authorized_by", Integer, ForeignKey("enterprises.id"), nullable=True),
    Column("authorized_from", Date, nullable=True),
    Column("authorized_until", Date, nullable=True),
    Column("callback_url", String(500), nullable=True),
    #: the dedicated APN its cards attach through (TBOX data and factory test)
    Column("apn", String(63), nullable=False),
    Column("created_at", UtcDateTime, nullable=False, server_default=func.now()),
)

#: What an enterprise's cards may reach: platform prefixes (TBOX data), SMS short
#: codes (TBOX wake-up), call-centre numbers (ECALL voice). At most 10 of each kind.
enterprise_destinations = Table(
    "enterprise_destinations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("enterprise_id", Integer, ForeignKey("enterprises.id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("value", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False, server_default=func.now()),
    UniqueConstraint("enterprise_id", "kind", "value"),
)

#: Responsible persons with their terms. Personal fields are one AES-GCM sealed JSON
#: document (name, id_number, phone, email); the ID number also has a blind index.
responsible_persons = Table(
    "responsible_persons",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("enterprise_id", Integer, ForeignKey("enterprises.id"), nullable=False),
    Column("role", String(16), nullable=False),
    Column("id_type", String(32), nullable=False),
    Column("person_enc", Text, nullable=False),
    Column("id_number_index", String(32), nullable=False, index=True),
    Column("term_start", UtcDateTime, nullable=False),
    Column("term_end", UtcDateTime, nullable=True),
    Column("created_by", String(120), nullable=False),
    Column("ended_by", String(120), nullable=True),
    Index("ix_responsible_persons_enterprise_role", "enterprise_id", "role", "term_start"),
    # one serving person per enterprise and role (the backstop for concurrent changes)
    Index("uq_responsible_persons_current", "enterprise_id", "role", unique=True,
          sqlite_where=text("term_end IS NULL"), postgresql_where=text("term_end IS NULL")),
)

#: API credentials. The HMAC verifier needs the secret itself, so it is sealed with
#: the master keyring (bound to the key id), never stored in plaintext.
api_keys = Table(
    "api_keys",
    metadata,
    Column("key_id", String(40), primary_key=True),
    Column("enterprise_id", Integer, ForeignKey("enterprises.id"), nullable=False, index=True),
    Column("secret_enc", Text, nullable=False),
    Column("label", String(200), nullable=False, server_default=""),
    Column("created_at", UtcDateTime, nullable=False, server_default=func.now()),
    #: set when rotated: the old secret keeps working until then (grace period)
    Column("expires_at", UtcDateTime, nullable=True),
    Column("replaced_by", String(40), nullable=True),
    Column("revoked_at", UtcDateTime, nullable=True),
)
