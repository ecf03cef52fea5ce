"""Export formats of the trail: JSON Lines and CSV, one entry per line.

Times are UTC with microseconds and ``detail`` is the stored canonical JSON text, so a
reader can recompute every entry's hash from the export alone (see offline.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

from provisioning.audit.query import FIELDS
from provisioning.audit.trail import canonical

FORMATS = ("jsonl", "csv")


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
