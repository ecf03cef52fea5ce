"""The console's charts: the report's inline SVG (provisioning.reports.svg), with the
console's words. Strings come back marked safe: svg escapes every label itself."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from carrier_gateway.console.i18n import _
from carrier_gateway.console.labels import label
from provisioning.reports import svg

_STATE_COLOURS = {"INVENTORY": "#adb5bd", "TEST": "#fab005", "PENDING": "#ffd43b", "ACTIVE": "#2f9e44",
                  "SUSPENDED": "#e03131", "TERMINATED": "#495057"}
_STATUS_COLOURS = {"PENDING": "#ffd43b", "VERIFIED": "#2f9e44", "REJECTED": "#e03131", "SUPERSEDED": "#868e96"}


def _one_bar(title: str, counts: dict[str, int], colours: dict[str, str]) -> Markup:
    parts = [(label(k), counts.get(k, 0), c) for k, c in colours.items()]
    total = sum(counts.values())
    rows = [(_("total"), parts, total, f"{svg.fmt(total)}")] if total else []
    legend = [(label(k), c) for k, c in colours.items()]
    return Markup(svg.stacked_bars(rows, title=title, legend=legend, width=900, empty=_("(none yet)")))


def cards_chart(by_state: dict[str, int]) -> Markup:
    return _one_bar(_("Cards by state"), by_state, _STATE_COLOURS)


def registrations_chart(by_status: dict[str, int]) -> Markup:
    return _one_bar(_("Registrations received today by status"), by_status, _STATUS_COLOURS)


def utilisation_charts(segments: list[dict[str, Any]], pools: list[dict[str, Any]]) -> Markup:
    numbers = svg.stacked_bars(
        [(f"{s['first']}–{s['last']}", [(_("assigned to cards"), s["assigned"], "#1971c2"),
                                         (_("free in blocks"), s["allocated"] - s["assigned"], "#a5d8ff"),
                                         (_("quarantined"), s["quarantined"], "#f59f00")],
          s["total"], _("%(n)s of %(total)s allocated", n=svg.fmt(s["allocated"]), total=svg.fmt(s["total"])))
         for s in segments],
        title=_("Number segments"), legend=((_("assigned to cards"), "#1971c2"), (_("free in blocks"), "#a5d8ff"),
                                            (_("quarantined"), "#f59f00")), empty=_("(none allocated)"))
    ips = svg.stacked_bars(
        [(f"{p['cidr']} ({p['apn']})", [(_("allocated"), int(p["allocated"]), "#2f9e44")], int(p["size"]),
          f"{p['allocated_percent']:.2f}%") for p in pools],
        title=_("IP pools: allocated share"), legend=((_("allocated"), "#2f9e44"), (_("free"), "#f1f3f5")),
        empty=_("(none allocated)"))
    return Markup(numbers + ips)
