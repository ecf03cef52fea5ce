"""Tables of provisioning.audit (migration branch `audit`)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Integer, String, Table, Text

from numbering.dbtypes import UtcDateTime
from provisioning.meta import metadata

#: Append-only, hash-chained trail. ``seq`` is gapless; ``hash`` covers the entry's
#: fields and the previous entry's hash, so an edit, deletion or reordering shows.
audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", String(120), nullable=False),
    Column("action", String(80), nullable=False),
    Column("object_type", String(40), nullable=False),
    Column("object_id", String(80), nullable=False),
    Column("enterprise_id", Integer, nullable=True, index=True),
    #: canonical JSON; never personal data in plaintext (ids, codes, masked values only)
    Column("detail", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

#: One row: the chain's head. Appenders lock it, so entries are numbered one at a time
#: across processes; it also lets `audit verify` see entries cut off the end.
audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
)
