"""Check an exported trail without the database (what a regulator can do with the file).

Every entry's hash is recomputed from its own fields and its ``prev_hash``; each entry
must name its predecessor's hash, and an export that starts at entry 1 must start from
the genesis hash. A gap in ``seq`` is a deleted entry, unless the export was filtered
(``gaps=True``): then entries on either side of a gap are checked on their own.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from provisioning.audit.trail import GENESIS, VerifyResult, canonical, entry_hash


def read_export(fh: IO[str]) -> Iterator[dict[str, Any]]:
    """Entries of a JSON Lines or CSV export, one at a time."""
    first = fh.readline()
    if first.startswith("seq,"):
        names = next(csv.reader([first]))
        yield from csv.DictReader(fh, fieldnames=names)
        return
    for line in (first, *fh):
        if line.strip():
            yield json.loads(line)


def _hash_of(e: dict[str, Any]) -> str:
    detail = e["detail"] if isinstance(e["detail"], str) else canonical(e["detail"])
    ent = e.get("enterprise_id")
    return entry_hash(str(e["prev_hash"]), int(e["seq"]), dt.datetime.fromisoformat(str(e["at"])), str(e["actor"]),
                      str(e["action"]), str(e["object_type"]), str(e["object_id"]),
                      int(ent) if ent not in (None, "") else None, detail)


def check_entries(entries: Iterable[dict[str, Any]], *, gaps: bool = False) -> VerifyResult:
    checked, last_seq, last_hash = 0, None, None
    for e in entries:
        seq = int(e["seq"])
        if seq == 1 and e["prev_hash"] != GENESIS:
            return VerifyResult(False, checked, seq, "entry 1 does not start from the genesis hash")
        if not gaps and last_seq is not None and seq > last_seq + 1:
            return VerifyResult(False, checked, last_seq + 1,
                                f"entry {last_seq + 1} is missing (next present is {seq})")
        if last_seq is not None and seq == last_seq + 1 and e["prev_hash"] != last_hash:
            return VerifyResult(False, checked, seq, f"entry {seq} does not follow entry {last_seq}")
        if last_seq is not None and seq <= last_seq:
            return VerifyResult(False, checked, seq, f"entry {seq} comes after entry {last_seq} (reordered)")
        if _hash_of(e) != e["hash"]:
            return VerifyResult(False, checked, seq, f"entry {seq} was altered (its hash does not match)")
        checked, last_seq, last_hash = checked + 1, seq, e["hash"]
    return VerifyResult(True, checked)
