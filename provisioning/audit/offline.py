"""Check an exported trail without the database (what a regulator can do with the file).

Every entry's hash is recomputed from its own fields and its ``prev_hash``; each entry
must name its predecessor's hash, and an export that starts at entry 1 must start from
the genesis hash. A gap in ``seq`` is a deleted entry, unless the export was filtered
(``gaps=True``): then entries on either side of a gap are checked on their own.

The export's trailer (see formats.py) must be its last line and count its entries, so
a file cut short fails; an unfiltered export must also end at the head it names.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from provisioning import trailers
from provisioning.audit.trail import GENESIS, VerifyResult, canonical, entry_hash


class ExportFile:
    """Entries of a JSON Lines or CSV export, one at a time; ``trailer`` holds the
    trailer's fields once it has been read (None while not found)."""

    def __init__(self, fh: IO[str]) -> None:
        self._fh = fh
        self.trailer: dict[str, Any] | None = None

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for entry, found in self._lines():
            if self.trailer is not None:
                raise trailers.Truncated("has lines after its trailer")
            if found is not None:
                self.trailer = found
            else:
                yield entry

    def _lines(self) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None]]:
        first = self._fh.readline()
        if first.startswith("seq,"):
            names = next(csv.reader([first]))
            for row in csv.DictReader(self._fh, fieldnames=names):
                yield row, trailers.from_csv(row[names[0]] or "")
            return
        for line in (first, *self._fh):
            if line.strip():
                doc = json.loads(line)
                yield doc, trailers.from_jsonl(doc)


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


def check_export(fh: IO[str], *, gaps: bool = False) -> VerifyResult:
    """Every entry of an export (as check_entries), then its trailer: present, last, with
    the right count; without ``gaps`` the last entry must be the head the trailer names."""
    export = ExportFile(fh)
    last: dict[str, Any] = {"seq": 0, "hash": GENESIS}

    def remembered() -> Iterator[dict[str, Any]]:
        for entry in export:
            last.update(seq=int(entry["seq"]), hash=entry["hash"])
            yield entry

    try:
        result = check_entries(remembered(), gaps=gaps)
        if result.ok:
            trailers.check(export.trailer, result.checked)
    except trailers.Truncated as exc:
        return VerifyResult(False, 0, None, f"the export {exc}")
    if not result.ok or gaps:
        return result
    head = export.trailer or {}
    if (last["seq"], last["hash"]) != (head.get("head_seq"), head.get("head_hash")):
        return VerifyResult(False, result.checked, last["seq"] + 1,
                            f"the export ends at entry {last['seq']} but the chain's head was entry "
                            f"{head.get('head_seq')}")
    return result
