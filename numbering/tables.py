"""Tables owned by the numbering package (migration branch ``numbering``).

Free space is stored as runs, never number by number: a segment's unallocated stock
(``numbering_segment_free``), the unassigned part of each enterprise block
(``numbering_block_free``), a pool's unallocated space as aligned CIDR blocks
(``numbering_pool_free``) and the unassigned usable addresses of each enterprise
prefix (``numbering_prefix_free``). A number's state follows from the runs: in a
block and in no free or quarantine run means assigned to a card.

MSISDNs are BIGINT. Addresses are 32-character hex keys of a 128-bit space
(see :mod:`numbering.ipspace`), so they sort and compare the same on every backend.
Enterprise ids are values (the enterprises table belongs to another package).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    func,
)

from numbering.dbtypes import UtcDateTime, new_metadata

metadata = new_metadata()

_KEY = 32  # hex digits of a 128-bit address

#: One row (id 1): the carrier being simulated; also the lock that serialises adding
#: segments and pools (overlap checks).
profile = Table(
    "numbering_profile", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("carrier", String(20), nullable=False),
    Column("mnc", String(2), nullable=False),
    Column("iccid_issuer", String(2), nullable=False),
    Column("quarantine_days", Integer, nullable=False, server_default="90"),
    Column("updated_at", UtcDateTime, nullable=False, server_default=func.now()),
    CheckConstraint("id = 1", name="single_row"),
    CheckConstraint("quarantine_days >= 0", name="quarantine_days"),
)

#: Counters for the serial part of issued ICCIDs and IMSIs ("iccid", "imsi").
serials = Table(
    "numbering_serials", metadata,
    Column("kind", String(8), primary_key=True),
    Column("next_serial", BigInteger, nullable=False),
)

segments = Table(
    "numbering_segments", metadata,
    Column("id", Integer, primary_key=True),
    Column("first", BigInteger, nullable=False, unique=True),
    Column("last", BigInteger, nullable=False, unique=True),
    Column("label", String(200), nullable=False, server_default=""),
    Column("created_at", UtcDateTime, nullable=False, server_default=func.now()),
    CheckConstraint("first <= last", name="ordered"),
)


def _runs(name: str, owner: str, owner_table: str, *extra: Column, keyed: bool = False) -> Table:
    kind = String(_KEY) if keyed else BigInteger
    cols = [
        Column("id", Integer, primary_key=True),
        Column(owner, ForeignKey(f"{owner_table}.id"), nullable=False),
        *extra,
        Column("first", kind, nullable=False),
        Column("last", kind, nullable=False),
    ]
    if not keyed:
        cols.append(Column("size", BigInteger, nullable=False))
    return Table(
        name, metadata, *cols,
        Index(f"ix_{name}_owner_first", owner, "first", unique=True),
        Index(f"ix_{name}_owner_last", owner, "last", unique=True),
    )


segment_free = _runs("numbering_segment_free", "segment_id", "numbering_segments")
Index("ix_numbering_segment_free_fit", segment_free.c.segment_id, segment_free.c.size, segment_free.c.first)
Index("ix_numbering_segment_free_fit_any", segment_free.c.size, segment_free.c.first)

#: A contiguous block of a segment, allocated to one enterprise.
blocks = Table(
    "numbering_blocks", metadata,
    Column("id", Integer, primary_key=True),
    Column("segment_id", ForeignKey("numbering_segments.id"), nullable=False, index=True),
    Column("enterprise_id", Integer, nullable=False, index=True),
    Column("first", BigInteger, nullable=False, unique=True),
    Column("last", BigInteger, nullable=False, unique=True),
    Column("allocated_at", UtcDateTime, nullable=False, server_default=func.now()),
    CheckConstraint("first <= last", name="ordered"),
)

block_free = _runs("numbering_block_free", "block_id", "numbering_blocks",
                   Column("enterprise_id", Integer, nullable=False))
Index("ix_numbering_block_free_fit", block_free.c.enterprise_id, block_free.c.size, block_free.c.first)

#: Released numbers in cooling-off until ``until``; then back to their block's free
#: runs, or to the segment's stock if the block was given back meanwhile (block_id NULL).
quarantine = Table(
    "numbering_quarantine", metadata,
    Column("id", Integer, primary_key=True),
    Column("segment_id", ForeignKey("numbering_segments.id"), nullable=False),
    Column("block_id", ForeignKey("numbering_blocks.id"), nullable=True),
    Column("enterprise_id", Integer, nullable=False, index=True),
    Column("first", BigInteger, nullable=False, unique=True),
    Column("last", BigInteger, nullable=False, unique=True),
    Column("size", BigInteger, nullable=False),
    Column("released_at", UtcDateTime, nullable=False, server_default=func.now()),
    Column("until", UtcDateTime, nullable=False, index=True),
    Index("ix_numbering_quarantine_block_first", "block_id", "first"),
    Index("ix_numbering_quarantine_segment_first", "segment_id", "first"),
)

pools = Table(
    "numbering_pools", metadata,
    Column("id", Integer, primary_key=True),
    Column("cidr", String(43), nullable=False, unique=True),
    Column("version", SmallInteger, nullable=False),
    Column("apn", String(63), nullable=False, index=True),
    Column("first", String(_KEY), nullable=False, unique=True),
    Column("last", String(_KEY), nullable=False, unique=True),
    #: in the unified 128-bit space (IPv4 length + 96)
    Column("prefixlen", SmallInteger, nullable=False),
    Column("label", String(200), nullable=False, server_default=""),
    Column("created_at", UtcDateTime, nullable=False, server_default=func.now()),
)

#: A pool's free space as the canonical split of each free range into aligned blocks,
#: so "the first free /L" is one index seek per block length.
pool_free = Table(
    "numbering_pool_free", metadata,
    Column("id", Integer, primary_key=True),
    Column("pool_id", ForeignKey("numbering_pools.id"), nullable=False),
    Column("first", String(_KEY), nullable=False),
    Column("last", String(_KEY), nullable=False),
    Column("prefixlen", SmallInteger, nullable=False),
    Index("ix_numbering_pool_free_owner_first", "pool_id", "first", unique=True),
    Index("ix_numbering_pool_free_owner_last", "pool_id", "last", unique=True),
    Index("ix_numbering_pool_free_fit", "pool_id", "prefixlen", "first"),
)

#: A sub-prefix of a pool allocated to one enterprise.
prefixes = Table(
    "numbering_prefixes", metadata,
    Column("id", Integer, primary_key=True),
    Column("pool_id", ForeignKey("numbering_pools.id"), nullable=False, index=True),
    Column("enterprise_id", Integer, nullable=False, index=True),
    Column("cidr", String(43), nullable=False, unique=True),
    Column("first", String(_KEY), nullable=False, unique=True),
    Column("last", String(_KEY), nullable=False, unique=True),
    Column("prefixlen", SmallInteger, nullable=False),
    Column("allocated_at", UtcDateTime, nullable=False, server_default=func.now()),
)

prefix_free = _runs("numbering_prefix_free", "prefix_id", "numbering_prefixes",
                    Column("enterprise_id", Integer, nullable=False), keyed=True)
Index("ix_numbering_prefix_free_order", prefix_free.c.enterprise_id, prefix_free.c.first)

#: Static addresses assigned to cards (one row per address: they are handed out one by one).
addresses = Table(
    "numbering_addresses", metadata,
    Column("id", Integer, primary_key=True),
    Column("address", String(_KEY), nullable=False, unique=True),
    Column("ip", String(39), nullable=False),
    Column("prefix_id", ForeignKey("numbering_prefixes.id"), nullable=False, index=True),
    Column("enterprise_id", Integer, nullable=False, index=True),
    Column("assigned_at", UtcDateTime, nullable=False, server_default=func.now()),
)
