"""Export formats of the trail: JSON Lines and CSV, one entry per line, then a trailer.

Times are UTC with microseconds and ``detail`` is the stored canonical JSON text, so a
reader can recompute every entry's hash from the export alone (see offline.py). The
last line is a trailer (provisioning.trailers) with the number of entries and the
chain's head when the export began (``head_seq``, ``head_hash``): a file cut short has
no trailer or the wrong count, and an unfiltered export must end at the head.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import AsyncIterator
from typing import Any

from provisioning import trailers
from provisioning.audit.query import FIELDS, Filters, UnitOfWork, export, head
from provisioning.audit.trail import canonical


def _at(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def flat(entry: dict[str, Any]) -> dict[str, Any]:
    return {**entry, "at": _at(entry["at"]), "detail": canonical(entry["detail"])}


def jsonl(entry: dict[str, Any]) -> str:
    out = {**entry, "at": _at(entry["at"])}
    return json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n"


def csv_header() -> str:
    return ",".join(FIELDS) + "\n"


def csv_line(entry: dict[str, Any]) -> str:
    buf = io.StringIO()
    csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n").writerow(flat(entry))
    return buf.getvalue()


def render(entry: dict[str, Any], fmt: str) -> str:
    return jsonl(entry) if fmt == "jsonl" else csv_line(entry)


def header(fmt: str) -> str:
    return csv_header() if fmt == "csv" else ""


def trailer(fmt: str, *, count: int, head_seq: int, head_hash: str) -> str:
    render_trailer = trailers.csv if fmt == "csv" else trailers.jsonl
    return render_trailer(count=count, head_seq=head_seq, head_hash=head_hash)


class Export:
    """One export as text: the CSV header, a line per matching entry up to the head as it
    stood when it began, the trailer. ``count`` is the number of entries so far."""

    def __init__(self, read: UnitOfWork, filters: Filters, fmt: str) -> None:
        self._read, self._filters, self.fmt = read, filters, fmt
        self.count = 0

    async def lines(self) -> AsyncIterator[str]:
        async with self._read() as conn:
            last = await head(conn)
        yield header(self.fmt)
        async for entry in export(self._read, self._filters, upto=last.seq):
            self.count += 1
            yield render(entry, self.fmt)
        yield trailer(self.fmt, count=self.count, head_seq=last.seq, head_hash=last.hash)
