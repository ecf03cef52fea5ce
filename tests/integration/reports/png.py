"""Just enough PNG reading to look at a screenshot: size, and how many pixels have a
given colour (8-bit RGB or RGBA, not interlaced: what Chromium writes)."""

from __future__ import annotations

import struct
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunks(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    pos = len(SIGNATURE)
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        yield data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        pos += 12 + length


def size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data.startswith(SIGNATURE), "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def _unfilter(kind: int, row: bytearray, prev: bytes, bpp: int) -> bytearray:
    if kind == 1:
        for i in range(bpp, len(row)):
            row[i] = (row[i] + row[i - bpp]) & 0xFF
    elif kind == 2:
        row = bytearray((x + y) & 0xFF for x, y in zip(row, prev, strict=True))
    elif kind == 3:
        for i in range(len(row)):
            row[i] = (row[i] + ((row[i - bpp] if i >= bpp else 0) + prev[i]) // 2) & 0xFF
    elif kind == 4:
        for i in range(len(row)):
            left, corner = (row[i - bpp], prev[i - bpp]) if i >= bpp else (0, 0)
            row[i] = (row[i] + _paeth(left, prev[i], corner)) & 0xFF
    return row


def colours(path: Path, *, rows: int | None = None) -> Counter[tuple[int, int, int]]:
    """Pixel count per RGB colour (of the first ``rows`` rows)."""
    data = path.read_bytes()
    header = next(body for kind, body in _chunks(data) if kind == b"IHDR")
    width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour_type in (2, 6) and interlace == 0, "unsupported PNG layout"
    bpp = 3 if colour_type == 2 else 4
    raw = zlib.decompress(b"".join(body for kind, body in _chunks(data) if kind == b"IDAT"))
    stride = width * bpp
    prev = bytes(stride)
    counts: Counter[tuple[int, int, int]] = Counter()
    for y in range(min(height, rows or height)):
        start = y * (stride + 1)
        row = _unfilter(raw[start], bytearray(raw[start + 1:start + 1 + stride]), prev, bpp)
        counts.update(zip(row[0::bpp], row[1::bpp], row[2::bpp], strict=True))
        prev = bytes(row)
    return counts
