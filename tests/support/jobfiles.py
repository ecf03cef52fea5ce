"""JSON Lines back-registration files for job tests: what each line holds and should become."""

from __future__ import annotations

import dataclasses
import json
import random
from typing import Any

from tests.support.world import Oem, individual


@dataclasses.dataclass
class JobFile:
    body: bytes
    #: line number -> expected (status, reason or error codes, same-registration-as line or None)
    expected: dict[int, tuple[str, set[str], int | None]]
    records: list[dict[str, Any]]

    @property
    def lines(self) -> int:
        return self.body.count(b"\n")


def line(record: dict[str, Any]) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"


def mixed_file(oem: Oem, seed: int = 1) -> JobFile:
    """Nine physical lines on cards 0-5: valid sales, a blank line, broken JSON, a schema
    failure, an expired document, an identity mismatch and a repeat of line 1."""
    rng = random.Random(seed)
    good = [individual(rng, iccid=oem.iccids[i], stage="BACKFILL") for i in (0, 1, 5)]
    expired = individual(rng, iccid=oem.iccids[3], stage="BACKFILL")
    expired["subject"]["id_expires"] = "2001-01-01"
    mismatch = individual(rng, iccid=oem.iccids[4], stage="BACKFILL", name="王不符")
    body = b"".join([
        line(good[0]), line(good[1]), b"\n", b'{"iccid": "8986", oops\n',
        line({"iccid": oem.iccids[2], "stage": "BACKFILL"}), line(expired), line(mismatch), line(good[0]),
        line(good[2]),
    ])
    expected = {1: ("VERIFIED", set(), None), 2: ("VERIFIED", set(), None), 4: ("INVALID", {"SCHEMA_INVALID"}, None),
                5: ("INVALID", {"SCHEMA_INVALID"}, None), 6: ("REJECTED", {"ID_EXPIRED"}, None),
                7: ("REJECTED", {"IDENTITY_MISMATCH"}, None), 8: ("VERIFIED", set(), 1), 9: ("VERIFIED", set(), None)}
    return JobFile(body, expected, [*good, expired, mismatch])


def valid_file(oem: Oem, count: int, *, seed: int = 2, first_card: int = 0) -> bytes:
    rng = random.Random(seed)
    return b"".join(line(individual(rng, iccid=oem.iccids[first_card + i], stage="BACKFILL")) for i in range(count))
