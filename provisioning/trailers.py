"""The last line of a streamed export, so that a file cut short shows it.

A stream that fails half-way is cut off at the connection, but a file saved from it
keeps no trace of that: without a last line saying "this is the end, N lines", a
truncated file reads as a complete one. JSON Lines end with
``{"trailer": {"count": N, ...}}``, CSV with ``# count=N ...``; ``count`` is the number
of data lines (not the CSV header, not the trailer itself).
"""

from __future__ import annotations

import json
from typing import Any


class Truncated(ValueError):
    """The stream or file does not end with a trailer that matches what was read."""


def jsonl(**fields: Any) -> str:
    """The JSON Lines trailer.

    >>> jsonl(count=2)
    '{"trailer":{"count":2}}\\n'
    """
    return json.dumps({"trailer": fields}, ensure_ascii=False, separators=(",", ":")) + "\n"


def csv(**fields: Any) -> str:
    """The CSV trailer (values hold no space).

    >>> csv(count=2, head_seq=7)
    '# count=2 head_seq=7\\n'
    """
    return "# " + " ".join(f"{name}={value}" for name, value in fields.items()) + "\n"


def from_jsonl(doc: Any) -> dict[str, Any] | None:
    """The trailer's fields if ``doc`` (one parsed JSON line) is the trailer, else None."""
    if isinstance(doc, dict) and len(doc) == 1 and isinstance(doc.get("trailer"), dict):
        return doc["trailer"]
    return None


def from_csv(first_field: str) -> dict[str, Any] | None:
    """The trailer's fields if a CSV row's first field is the trailer, else None.

    >>> from_csv("# count=2 head_seq=7")
    {'count': 2, 'head_seq': 7}
    """
    if not first_field.startswith("# "):
        return None
    pairs = (item.partition("=") for item in first_field[2:].split())
    return {name: int(value) if value.isdigit() else value for name, _, value in pairs}


def check(trailer: dict[str, Any] | None, count: int) -> None:
    """Truncated unless ``trailer`` was found and counts ``count`` lines (the message
    reads after the name of what was read: "the export ...")."""
    if trailer is None:
        raise Truncated(f"ended after {count} lines without a trailer line: it was cut short")
    if trailer.get("count") != count:
        raise Truncated(f"has {count} lines but its trailer counts {trailer.get('count')}")
