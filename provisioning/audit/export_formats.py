"""The audit trail's export formats by name (a pure constant: the CLI lists them in
`--help` without loading the database stack; formats.py writes them)."""

from __future__ import annotations

FORMATS = ("jsonl", "csv")
