"""Registration and job ids: time-ordered, unguessable, made without a round trip.

11 hex digits of milliseconds then 10 random hex digits: ids sort by arrival, a batch
knows its ids before it is inserted, and the primary key catches the (negligible)
chance of a collision.
"""

from __future__ import annotations

import secrets
import time


def new_id(prefix: str = "r") -> str:
    return new_ids(1, prefix)[0]


def new_ids(count: int, prefix: str = "r") -> list[str]:
    """``count`` ids, with one clock read and one read of the random source for all of
    them (a batch's ids: one system call, not a thousand)."""
    head = f"{prefix}{int(time.time() * 1000):011x}"
    random = secrets.token_bytes(5 * count).hex()
    return [head + random[i:i + 10] for i in range(0, 10 * count, 10)]
