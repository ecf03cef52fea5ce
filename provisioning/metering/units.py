"""Units of accounted data, pure (the report's renderings use them without the database)."""

from __future__ import annotations

import dataclasses
from typing import Any

#: one MB of a data cap (MiB)
MB = 1024 * 1024


@dataclasses.dataclass(frozen=True)
class Totals:
    sessions: int
    open_sessions: int
    input_octets: int
    output_octets: int

    @property
    def octets(self) -> int:
        return self.input_octets + self.output_octets

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)
