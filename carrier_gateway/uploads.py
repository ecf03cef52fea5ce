"""How many streamed uploads one API key may be sending to this process at once.

An upload holds a spool (memory, then a temporary file) and a database writer for as
long as it lasts; a few per key are enough for any honest client, and the cap keeps one
key from filling a process's disk. It is taken once the headers are accepted and before
the first body byte is read, and it is per process (a balancer spreads keys' uploads).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from numbering.errors import DomainError

#: seconds a refused upload is told to wait: an upload takes seconds to minutes
RETRY_AFTER_SECONDS = 10.0


class TooManyUploads(DomainError):
    status = 429
    code = "TOO_MANY_UPLOADS"
    title = "Too many uploads at once"

    def __init__(self, limit: int) -> None:
        super().__init__(f"this API key already has {limit} upload(s) in progress; send the next one when one "
                         "of them is answered")
        self.retry_after = RETRY_AFTER_SECONDS


class KeyUploadSlots:
    def __init__(self, per_key: int) -> None:
        self.per_key = per_key
        self._busy: dict[str, int] = {}

    @contextlib.contextmanager
    def hold(self, key_id: str) -> Iterator[None]:
        busy = self._busy.get(key_id, 0)
        if busy >= self.per_key:
            raise TooManyUploads(self.per_key)
        self._busy[key_id] = busy + 1
        try:
            yield
        finally:
            left = self._busy[key_id] - 1
            if left:
                self._busy[key_id] = left
            else:
                del self._busy[key_id]
