"""Data accounted over RADIUS per enterprise, as the inspection report shows it: sessions
and octets of all its cards (from ``provisioning.metering``); the chart is ``html``.

>>> DataUse(3, 1, 2 * MB, MB).to_dict()["mb"]
3.0
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from provisioning.metering.units import MB, Totals
from provisioning.reports.wording import N_, Language

if TYPE_CHECKING:
    from provisioning.reports.document import EnterpriseReport

COLOURS = ((N_("from the cards (Acct-Input)"), "#1971c2"), (N_("to the cards (Acct-Output)"), "#74c0fc"))


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


def html(enterprises: Sequence[EnterpriseReport], _: Language) -> str:
    """Bars on one scale (the largest enterprise's octets), in and out apart; then the table."""
    from provisioning.reports import svg
    from provisioning.reports.html_parts import label, table

    used = [e for e in enterprises if e.data.sessions]
    scale = max((e.data.octets for e in used), default=0)
    legend = [(_(name), colour) for name, colour in COLOURS]
    rows = [(label(e), [(legend[0][0], e.data.input_octets, legend[0][1]),
                        (legend[1][0], e.data.output_octets, legend[1][1])], scale,
             _("%(mb)s MB, %(sessions)s sessions", mb=f"{e.data.octets / MB:,.1f}", sessions=svg.fmt(e.data.sessions)))
            for e in used]
    chart = svg.stacked_bars(rows, title=_("Data accounted per enterprise (RADIUS)"), legend=legend,
                             empty=_("(no sessions accounted)"))
    return chart + table(_, [_("id"), _("enterprise"), _("sessions"), _("open"), _("octets in"), _("octets out"),
                             "MB"],
                         [[e.enterprise_id, e.name, e.data.sessions, e.data.open_sessions, e.data.input_octets,
                           e.data.output_octets, round(e.data.octets / MB, 1)] for e in enterprises])
