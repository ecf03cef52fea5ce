"""Reading an uploaded JSON Lines file into chunks, and one line into a record (pure).

Lines are numbered as the file's physical lines (1-based), so a result points at the
line an editor shows. Blank lines are kept as ``""`` (they keep the numbering) and are
otherwise ignored; a line too long to be a record, or not UTF-8, is kept as a marker
and later reported as invalid, without ever holding more than ``max_line_bytes`` of it.
The reader holds one chunk at a time: memory is bounded whatever the file's size.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator
from typing import IO, Any

import orjson
from pydantic import ValidationError

from provisioning.registrations.records import RegistrationRecord

#: one line of a chunk: its text, or a marker {"error": "TOO_LONG" | "NOT_UTF8"}
Entry = str | dict[str, str]
Reason = dict[str, Any]

CHUNK_LINES = 1000
CHUNK_BYTES = 1 << 20
MAX_LINE_BYTES = 64 * 1024
_BOM = b"\xef\xbb\xbf"


@dataclasses.dataclass
class Chunk:
    first_line: int
    entries: list[Entry]
    #: non-blank lines in ``entries``
    records: int


class LineReader:
    """Splits a binary stream into chunks of at most ``max_lines`` lines and about
    ``max_bytes`` bytes; counts and hashes what it read."""

    def __init__(self, stream: IO[bytes], *, max_lines: int = CHUNK_LINES, max_bytes: int = CHUNK_BYTES,
                 max_line_bytes: int = MAX_LINE_BYTES) -> None:
        self._stream = stream
        self._max_lines, self._max_bytes, self._max_line = max_lines, max_bytes, max_line_bytes
        self.bytes = 0
        self.lines = 0
        self._sha = hashlib.sha256()

    @property
    def sha256(self) -> str:
        return self._sha.hexdigest()

    def _read(self, limit: int) -> bytes:
        data = self._stream.readline(limit)
        self.bytes += len(data)
        self._sha.update(data)
        return data

    def _next_line(self) -> Entry | None:
        raw = self._read(self._max_line + 1)
        if not raw:
            return None
        self.lines += 1
        if len(raw) > self._max_line and not raw.endswith(b"\n"):
            while (rest := self._read(1 << 16)) and not rest.endswith(b"\n"):
                pass  # skip the rest of an overlong line without holding it
            return {"error": "TOO_LONG"}
        if self.lines == 1 and raw.startswith(_BOM):
            raw = raw[len(_BOM):]
        raw = raw.strip()
        if not raw:
            return ""
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return {"error": "NOT_UTF8"}

    def chunks(self) -> Iterator[Chunk]:
        chunk = Chunk(1, [], 0)
        size = 0
        while (entry := self._next_line()) is not None:
            chunk.entries.append(entry)
            if entry != "":
                chunk.records += 1
                size += len(entry) if isinstance(entry, str) else 0
            if len(chunk.entries) >= self._max_lines or size >= self._max_bytes:
                yield chunk
                chunk, size = Chunk(self.lines + 1, [], 0), 0
        if chunk.entries:
            yield chunk


def encode_chunk(entries: list[Entry]) -> str:
    return orjson.dumps(entries).decode("utf-8")


def decode_chunk(text: str) -> list[Entry]:
    return orjson.loads(text)


def _reason(field: str | None, message: str) -> Reason:
    return {"code": "SCHEMA_INVALID", "field": field, "message": message}


_MARKERS = {
    "TOO_LONG": f"the line is longer than {MAX_LINE_BYTES} bytes; one record per line is expected",
    "NOT_UTF8": "the line is not UTF-8 text",
}


def parse_line(entry: Entry) -> RegistrationRecord | list[Reason]:
    """The record on one line, or its SCHEMA_INVALID errors (which never echo the input)."""
    if isinstance(entry, dict):
        return [_reason(None, _MARKERS.get(entry.get("error", ""), "the line cannot be read"))]
    try:
        data = orjson.loads(entry)
    except orjson.JSONDecodeError as exc:
        return [_reason(None, f"the line is not valid JSON (error at character {exc.pos + 1})")]
    if not isinstance(data, dict):
        return [_reason(None, "a line must hold one JSON object (a registration record)")]
    try:
        return RegistrationRecord.model_validate(data)
    except ValidationError as exc:
        return [_reason(".".join(str(p) for p in err["loc"]) or None, err["msg"])
                for err in exc.errors(include_input=False, include_url=False)]
