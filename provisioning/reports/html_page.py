"""The inspection report as one self-contained HTML page: inline CSS, inline SVG charts,
no script, no font, no image, no link outside the page. Opens offline."""

from __future__ import annotations

from provisioning.cards.states import STATES
from provisioning.reports import data_use, svg
from provisioning.reports.document import EnterpriseReport, InspectionReport
from provisioning.reports.html_parts import banner, esc, findings_list, label, section, table, who
from provisioning.reports.model import BACKFILL_FIELDS, REGISTRATION_STATUSES

CSS = """
body{font-family:system-ui,sans-serif;margin:24px;color:#212529;max-width:1400px}
h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:28px 0 8px}
table{border-collapse:collapse;margin:6px 0 12px;font-size:13px}
th,td{border:1px solid #dee2e6;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f1f3f5}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.bad td{background:#ffe3e3}.note{color:#495057;font-size:13px;margin:2px 0 8px}
.banner{padding:12px 16px;border-radius:6px;margin:12px 0;font-weight:600}
.banner.ok{background:#d3f9d8;border:1px solid #2b8a3e}
.banner.violation{background:#c92a2a;color:#fff;border:3px solid #7d0c0c}
.banner.violation h2{margin:0 0 6px;font-size:20px}.warnings{background:#fff3bf;padding:6px 14px}
.funnels{display:flex;flex-wrap:wrap;gap:12px}.funnels svg{border:1px solid #e9ecef;padding:6px}
""" + svg.FONT_CSS
NUMBER_COLOURS = (("assigned to cards", "#1971c2"), ("free in blocks", "#a5d8ff"), ("quarantined", "#f59f00"))


def _meta(report: InspectionReport) -> str:
    m = report.meta
    carrier = f"{m.carrier.get('name')} (MCC {m.carrier.get('mcc')}, MNC {m.carrier.get('mnc')})"
    return table(["generated at", "carrier", "back-registration deadline", "judged on (China)", "database",
                  "enterprises"], [[m.generated_at, carrier, m.backfill_deadline, m.today, m.database,
                                    len(report.enterprises)]])


def _cards(report: InspectionReport) -> str:
    rows = [[e.enterprise_id, e.name, who(e), e.cards.issued, *(e.cards.by_state.get(s, 0) for s in STATES),
             e.cards.sold, e.cards.verified, e.active_unverified] for e in report.enterprises]
    marks = ["bad" if e.active_unverified else "" for e in report.enterprises]
    return table(["id", "enterprise", "kind", "issued", *STATES, "sold", "verified", "ACTIVE w/o VERIFIED"],
                 rows, row_css=marks)


def _funnels(report: InspectionReport) -> str:
    stages = report.totals()["funnel"]
    overall = svg.funnel([(k, v) for k, v in stages.items()], title="All enterprises")
    each = [svg.funnel(list(e.cards.funnel().items()), title=label(e), width=380) for e in report.enterprises]
    return f'<div class="funnels">{overall}{"".join(each)}</div>'


def _registrations(report: InspectionReport) -> str:
    codes = sorted({c for e in report.enterprises for c in e.registrations.rejected_by_reason})
    rows = [[e.enterprise_id, e.name, *(e.registrations.by_status.get(s, 0) for s in REGISTRATION_STATUSES),
             *(e.registrations.rejected_by_reason.get(c, 0) for c in codes)] for e in report.enterprises]
    return table(["id", "enterprise", *REGISTRATION_STATUSES, *(f"rejected: {c}" for c in codes)], rows)


def _backfill(report: InspectionReport) -> str:
    rows = [[e.enterprise_id, e.name, *(e.backfill.get(f, 0) for f in BACKFILL_FIELDS)] for e in report.enterprises]
    marks = ["bad" if e.backfill.get("overdue") else "" for e in report.enterprises]
    return table(["id", "enterprise", *BACKFILL_FIELDS], rows, row_css=marks)


def _number_row(e: EnterpriseReport) -> tuple[str, list[svg.Part], int, str]:
    n = e.numbers
    parts = [(name, value, colour) for (name, colour), value in zip(NUMBER_COLOURS, (n.assigned, n.free,
                                                                                    n.quarantined), strict=True)]
    total = max(n.allocated, n.assigned + n.free + n.quarantined)  # returned blocks may still be cooling off
    return label(e), parts, total, f"{svg.fmt(n.assigned)} of {svg.fmt(n.allocated)} ({n.percent:.1f}%)"


def _resources(report: InspectionReport) -> str:
    numbers = svg.stacked_bars([_number_row(e) for e in report.enterprises if e.numbers.allocated],
                               title="MSISDN utilisation per enterprise", legend=NUMBER_COLOURS)
    ips = svg.stacked_bars(
        [(label(e), [("assigned", e.ip.assigned, "#2f9e44")], e.ip.usable,
          f"{svg.fmt(e.ip.assigned)} of {svg.fmt(e.ip.usable)} ({e.ip.percent:.2f}%)")
         for e in report.enterprises if e.ip.usable],
        title="Static IP utilisation per enterprise", legend=(("assigned to cards", "#2f9e44"),
                                                              ("usable, free", "#f1f3f5")))
    rows = [[e.enterprise_id, e.name, e.numbers.blocks, e.numbers.allocated, e.numbers.assigned, e.numbers.free,
             e.numbers.quarantined, e.numbers.percent, " ".join(e.ip.prefixes) or None, svg.fmt(e.ip.usable),
             e.ip.assigned, e.ip.percent] for e in report.enterprises]
    return numbers + ips + table(["id", "enterprise", "blocks", "MSISDNs allocated", "assigned", "free",
                                  "quarantined", "%", "IP prefixes", "usable", "assigned", "%"], rows)


def _roster(report: InspectionReport) -> str:
    rows, marks = [], []
    for e in report.enterprises:
        for r in e.roster.roles:
            rows.append([e.enterprise_id, e.name, r.role, r.name or "(vacant)", r.id_type, r.id_number, r.phone,
                         r.since, e.roster.last_changed_at])
            marks.append("" if r.serving else "bad")
    return table(["id", "enterprise", "role", "name", "ID type", "ID number", "phone", "since",
                  "roster last changed"], rows, row_css=marks)


def html_page(report: InspectionReport) -> str:
    warnings = (f'<div class="warnings"><h2>Warnings</h2>{findings_list(report.warnings)}</div>'
                if report.warnings else "")
    body = [
        "<h1>Inspection report: real-name registration of connected-vehicle cards</h1>",
        _meta(report), banner(report.violations), warnings,
        section("funnel", "Registration funnel", _funnels(report),
                note="issued → sold (a registration was pushed and reached the card) → verified → active"),
        section("cards", "Cards per enterprise and state", _cards(report)),
        section("registrations", "Registrations by status and rejection reason", _registrations(report),
                note="A rejected registration that cites several reasons counts once under each."),
        section("backfill", "Back-registration (补登记) against the deadline", _backfill(report)),
        section("resources", "Number and IP utilisation", _resources(report)),
        section("data", "Data accounted over RADIUS", data_use.html(report.enterprises),
                note="Octets the packet gateways reported (Acct-Input/Output-Octets with the Gigawords) for the "
                     "sessions of each enterprise's cards."),
        section("roster", "Responsible persons (masked)", _roster(report)),
    ]
    title = f"Inspection report {report.meta.generated_at.date().isoformat()}"
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{esc(title)}</title><style>{CSS}</style></head><body>" + "".join(body) + "</body></html>\n")
