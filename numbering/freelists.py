"""The run tables of free space, one object per table (see numbering.runs)."""

from __future__ import annotations

from numbering.runs import RunTable
from numbering.tables import block_free, prefix_free, segment_free

#: a segment's unallocated, unquarantined numbers
STOCK = RunTable(segment_free, "segment_id")
#: the unassigned, unquarantined numbers of an enterprise block
BLOCK_FREE = RunTable(block_free, "block_id")
#: the unassigned usable addresses of an enterprise prefix
PREFIX_FREE = RunTable(prefix_free, "prefix_id", keyed=True)
