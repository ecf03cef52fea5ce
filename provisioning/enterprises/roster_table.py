"""The regulator's roster as a CSV table: one row per enterprise and serving person
(masked), an enterprise with nobody serving on a row of its own."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping

COLUMNS = ("enterprise_id", "enterprise_name", "uscc", "kind", "role", "name", "id_type", "id_number",
           "phone", "email", "term_start")


def roster_csv(rows: Iterable[Mapping[str, object]]) -> str:
    """
    >>> roster_csv([{"enterprise_id": 1, "enterprise_name": "某某", "role": None}]).splitlines()[1]
    '1,某某,,,,,,,,,'
    """
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
