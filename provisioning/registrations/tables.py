"""Tables of provisioning.registrations (migration branch `registrations`).

Personal fields of a registration (the subject's, its agent's and responsible
person's names, document numbers, addresses, phones) live only inside ``subject_enc``
(AES-256-GCM, key id inside the value). Checks that need them without decrypting use
keyed blind indexes (``doc_index``, ``natural_key``).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, Index, Integer, String, Table, Text, func, text

from numbering.dbtypes import UtcDateTime
from provisioning.meta import metadata

registrations = Table(
    "registrations",
    metadata,
    #: time-ordered public id (see ids.py)
    Column("id", String(24), primary_key=True),
    Column("enterprise_id", Integer, nullable=False),
    #: the card as pushed (ICCID or MSISDN); resolved to ``iccid`` at verification
    Column("card_ref", String(24), nullable=False),
    Column("iccid", String(20), nullable=True),
    Column("stage", String(16), nullable=False),
    Column("status", String(12), nullable=False, server_default="PENDING"),
    #: JSON list of {"code", "field", "message"} (no personal data)
    Column("reasons", Text, nullable=False, server_default="[]"),
    Column("subject_type", String(16), nullable=False),
    Column("id_type", String(32), nullable=True),
    Column("subject_enc", Text, nullable=False),
    Column("doc_index", String(32), nullable=True),
    #: the card reference, ":", then an HMAC of the enterprise and the canonical record
    #: (accept.natural_key): a retried push finds its first copy
    Column("natural_key", String(64), nullable=False),
    Column("vin", String(17), nullable=False),
    Column("imei", String(20), nullable=True),
    Column("sold_at", Date, nullable=True),
    Column("oem_method", String(32), nullable=False),
    Column("job_id", String(24), nullable=True),
    Column("job_line", Integer, nullable=True),
    Column("attempts", Integer, nullable=False, server_default="0"),
    #: verifications of this row that failed with an error since its last decision or
    #: deferral; at the verifier's bound the row is REJECTED (VERIFICATION_FAILED)
    Column("failures", Integer, nullable=False, server_default="0"),
    #: why the last of them failed (an error class, never data)
    Column("last_error", String(200), nullable=True),
    #: Unix seconds: when verification may (next) run; a claim moves it to the lease end
    Column("due_at", BigInteger, nullable=False),
    Column("received_at", UtcDateTime, nullable=False, server_default=func.now()),
    Column("decided_at", UtcDateTime, nullable=True),
    Index("uq_registrations_natural_key", "enterprise_id", "natural_key", unique=True),
    Index("ix_registrations_queue", "due_at", postgresql_where=text("status = 'PENDING'"),
          sqlite_where=text("status = 'PENDING'")),
    Index("ix_registrations_enterprise_iccid", "enterprise_id", "iccid"),
    # The verifier's binding rules read verified registrations only, by VIN and by owner.
    # Partial indexes hold those alone: a push (PENDING) writes no entry to them, its
    # decision one, instead of an entry at each (its VIN and document are random keys, so
    # every entry dirties its own page of the index, written again to the log at commit).
    Index("ix_registrations_verified_vin", "vin", postgresql_where=text("status = 'VERIFIED'"),
          sqlite_where=text("status = 'VERIFIED'")),
    Index("ix_registrations_verified_doc", "doc_index", postgresql_where=text("status = 'VERIFIED'"),
          sqlite_where=text("status = 'VERIFIED'")),
    # a job's lines; pushes outside a job (most) have none
    Index("ix_registrations_job", "job_id", "job_line", postgresql_where=text("job_id IS NOT NULL"),
          sqlite_where=text("job_id IS NOT NULL")),
)

#: Answers to single pushes that carried an Idempotency-Key (kept 24 hours).
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("enterprise_id", Integer, primary_key=True),
    Column("key", String(128), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("registration_id", String(24), nullable=False),
    Column("created_at", UtcDateTime, nullable=False, server_default=func.now()),
    # retention deletes the keys of the registrations it purges, a chunk at a time
    Index("ix_idempotency_keys_registration", "registration_id"),
)
