"""Data accounted over RADIUS per enterprise, as the inspection report shows it: sessions
and octets of all its cards (from ``provisioning.metering``); the HTML page draws it
(``provisioning.reports.html_page``).

>>> DataUse(3, 1, 2 * MB, MB).to_dict()["mb"]
3.0
"""

from __future__ import annotations

import dataclasses
from typing import Any

from provisioning.metering.units import MB, Totals


@dataclasses.dataclass
class DataUse:
    sessions: int = 0
    open_sessions: int = 0
    input_octets: int = 0
    output_octets: int = 0

    @classmethod
    def of(cls, totals: Totals | None) -> DataUse:
        return cls(**totals.to_dict()) if totals is not None else cls()

    @property
    def octets(self) -> int:
        return self.input_octets + self.output_octets

    def add(self, other: DataUse) -> None:
        for f in dataclasses.fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "mb": round(self.octets / MB, 3)}
