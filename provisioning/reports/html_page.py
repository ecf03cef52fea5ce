"""The inspection report as one self-contained HTML page: inline CSS, inline SVG charts,
no script, no font, no image, no link outside the page. Opens offline. Written in English,
said in the language it is given (provisioning.reports.wording); codes (states, statuses,
reasons, roles) stay as the API spells them."""

from __future__ import annotations

from provisioning.cards.states import STATES
from provisioning.metering.units import MB
from provisioning.reports import svg
from provisioning.reports.document import EnterpriseReport, InspectionReport
from provisioning.reports.html_parts import banner, esc, findings_list, label, section, table, who
from provisioning.reports.model import BACKFILL_FIELDS, REGISTRATION_STATUSES
from provisioning.reports.wording import AS_WRITTEN, N_, Language

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
NUMBER_COLOURS = ((N_("assigned to cards"), "#1971c2"), (N_("free in blocks"), "#a5d8ff"),
                  (N_("quarantined"), "#f59f00"))
IP_COLOURS = ((N_("assigned to cards"), "#2f9e44"), (N_("usable, free"), "#f1f3f5"))
DATA_COLOURS = ((N_("from the cards (Acct-Input)"), "#1971c2"), (N_("to the cards (Acct-Output)"), "#74c0fc"))
#: the back-registration columns (model.BACKFILL_FIELDS), as a person reads them
BACKFILL_HEADINGS = {"flagged": N_("flagged"), "done": N_("done"), "done_late": N_("done late"),
                     "pending": N_("being verified"), "rejected": N_("rejected"), "outstanding": N_("outstanding"),
                     "overdue": N_("overdue"), "terminated": N_("terminated")}
FUNNEL_STAGES = {"issued": N_("issued"), "sold": N_("sold"), "verified": N_("verified"), "active": N_("active")}


def _meta(report: InspectionReport, _: Language) -> str:
    m = report.meta
    carrier = f"{m.carrier.get('name')} (MCC {m.carrier.get('mcc')}, MNC {m.carrier.get('mnc')})"
    return table(_, [_("generated at"), _("carrier"), _("back-registration deadline"), _("judged on (China)"),
                     _("database"), _("enterprises")],
                 [[m.generated_at, carrier, m.backfill_deadline, m.today, m.database, len(report.enterprises)]])


def _cards(report: InspectionReport, _: Language) -> str:
    rows = [[e.enterprise_id, e.name, who(e, _), e.cards.issued, *(e.cards.by_state.get(s, 0) for s in STATES),
             e.cards.sold, e.cards.verified, e.active_unverified] for e in report.enterprises]
    marks = ["bad" if e.active_unverified else "" for e in report.enterprises]
    return table(_, [_("id"), _("enterprise"), _("kind"), _("issued"), *STATES, _("sold"), _("verified"),
                     _("ACTIVE w/o VERIFIED")], rows, row_css=marks)


def _stages(funnel: dict[str, int], _: Language) -> list[tuple[str, int]]:
    return [(_(FUNNEL_STAGES[k]), v) for k, v in funnel.items()]


def _funnels(report: InspectionReport, _: Language) -> str:
    overall = svg.funnel(_stages(report.totals()["funnel"], _), title=_("All enterprises"))
    each = [svg.funnel(_stages(e.cards.funnel(), _), title=label(e), width=380) for e in report.enterprises]
    return f'<div class="funnels">{overall}{"".join(each)}</div>'


def _registrations(report: InspectionReport, _: Language) -> str:
    codes = sorted({c for e in report.enterprises for c in e.registrations.rejected_by_reason})
    rows = [[e.enterprise_id, e.name, *(e.registrations.by_status.get(s, 0) for s in REGISTRATION_STATUSES),
             *(e.registrations.rejected_by_reason.get(c, 0) for c in codes)] for e in report.enterprises]
    return table(_, [_("id"), _("enterprise"), *REGISTRATION_STATUSES,
                     *(_("rejected: %(code)s", code=c) for c in codes)], rows)


def _backfill(report: InspectionReport, _: Language) -> str:
    rows = [[e.enterprise_id, e.name, *(e.backfill.get(f, 0) for f in BACKFILL_FIELDS)] for e in report.enterprises]
    marks = ["bad" if e.backfill.get("overdue") else "" for e in report.enterprises]
    return table(_, [_("id"), _("enterprise"), *(_(BACKFILL_HEADINGS[f]) for f in BACKFILL_FIELDS)], rows,
                 row_css=marks)


def _legend(colours: tuple[tuple[str, str], ...], _: Language) -> list[tuple[str, str]]:
    return [(_(name), colour) for name, colour in colours]


def _parts(legend: list[tuple[str, str]], values: tuple[int, ...]) -> list[svg.Part]:
    """One bar's parts: each legend entry's name and colour with its value."""
    return [(name, value, colour) for (name, colour), value in zip(legend, values, strict=True)]


def _number_row(e: EnterpriseReport, _: Language) -> tuple[str, list[svg.Part], int, str]:
    n = e.numbers
    parts = _parts(_legend(NUMBER_COLOURS, _), (n.assigned, n.free, n.quarantined))
    total = max(n.allocated, n.assigned + n.free + n.quarantined)  # returned blocks may still be cooling off
    return label(e), parts, total, _("%(part)s of %(whole)s (%(percent)s%%)", part=svg.fmt(n.assigned),
                                     whole=svg.fmt(n.allocated), percent=f"{n.percent:.1f}")


def _resources(report: InspectionReport, _: Language) -> str:
    numbers = svg.stacked_bars([_number_row(e, _) for e in report.enterprises if e.numbers.allocated],
                               title=_("MSISDN utilisation per enterprise"), legend=_legend(NUMBER_COLOURS, _),
                               empty=_("(none allocated)"))
    ips = svg.stacked_bars(
        [(label(e), [(_(IP_COLOURS[0][0]), e.ip.assigned, IP_COLOURS[0][1])], e.ip.usable,
          _("%(part)s of %(whole)s (%(percent)s%%)", part=svg.fmt(e.ip.assigned), whole=svg.fmt(e.ip.usable),
            percent=f"{e.ip.percent:.2f}"))
         for e in report.enterprises if e.ip.usable],
        title=_("Static IP utilisation per enterprise"), legend=_legend(IP_COLOURS, _), empty=_("(none allocated)"))
    rows = [[e.enterprise_id, e.name, e.numbers.blocks, e.numbers.allocated, e.numbers.assigned, e.numbers.free,
             e.numbers.quarantined, e.numbers.percent, " ".join(e.ip.prefixes) or None, svg.fmt(e.ip.usable),
             e.ip.assigned, e.ip.percent] for e in report.enterprises]
    return numbers + ips + table(_, [_("id"), _("enterprise"), _("blocks"), _("MSISDNs allocated"), _("assigned"),
                                     _("free"), _("quarantined"), "%", _("IP prefixes"), _("usable"), _("assigned"),
                                     "%"], rows)


def _data_use(report: InspectionReport, _: Language) -> str:
    """Bars on one scale (the largest enterprise's octets), in and out apart; then the table."""
    enterprises = report.enterprises
    used = [e for e in enterprises if e.data.sessions]
    scale = max((e.data.octets for e in used), default=0)
    legend = _legend(DATA_COLOURS, _)
    rows = [(label(e), _parts(legend, (e.data.input_octets, e.data.output_octets)), scale,
             _("%(mb)s MB, %(sessions)s sessions", mb=f"{e.data.octets / MB:,.1f}", sessions=svg.fmt(e.data.sessions)))
            for e in used]
    chart = svg.stacked_bars(rows, title=_("Data accounted per enterprise (RADIUS)"), legend=legend,
                             empty=_("(no sessions accounted)"))
    return chart + table(_, [_("id"), _("enterprise"), _("sessions"), _("open"), _("octets in"), _("octets out"),
                             "MB"],
                         [[e.enterprise_id, e.name, e.data.sessions, e.data.open_sessions, e.data.input_octets,
                           e.data.output_octets, round(e.data.octets / MB, 1)] for e in enterprises])


def _roster(report: InspectionReport, _: Language) -> str:
    rows, marks = [], []
    for e in report.enterprises:
        for r in e.roster.roles:
            rows.append([e.enterprise_id, e.name, r.role, r.name or _("(vacant)"), r.id_type, r.id_number, r.phone,
                         r.since, e.roster.last_changed_at])
            marks.append("" if r.serving else "bad")
    return table(_, [_("id"), _("enterprise"), _("role"), _("name"), _("ID type"), _("ID number"), _("phone"),
                     _("since"), _("roster last changed")], rows, row_css=marks)


def html_page(report: InspectionReport, _: Language = AS_WRITTEN) -> str:
    """The page, in the language ``_`` (English as written unless another is given)."""
    heading, warned = _("Inspection report: real-name registration of connected-vehicle cards"), _("Warnings")
    warnings = (f'<div class="warnings"><h2>{esc(warned)}</h2>{findings_list(report.warnings, _)}</div>'
                if report.warnings else "")
    body = [
        f"<h1>{esc(heading)}</h1>",
        _meta(report, _), banner(report.violations, _), warnings,
        section("funnel", _("Registration funnel"), _funnels(report, _),
                note=_("issued → sold (a registration was pushed and reached the card) → verified → active")),
        section("cards", _("Cards per enterprise and state"), _cards(report, _)),
        section("registrations", _("Registrations by status and rejection reason"), _registrations(report, _),
                note=_("A rejected registration that cites several reasons counts once under each.")),
        section("backfill", _("Back-registration (补登记) against the deadline"), _backfill(report, _)),
        section("resources", _("Number and IP utilisation"), _resources(report, _)),
        section("data", _("Data accounted over RADIUS"), _data_use(report, _),
                note=_("Octets the packet gateways reported (Acct-Input/Output-Octets with the Gigawords) for the "
                       "sessions of each enterprise's cards.")),
        section("roster", _("Responsible persons (masked)"), _roster(report, _)),
    ]
    title = _("Inspection report %(date)s", date=report.meta.generated_at.date().isoformat())
    return (f"<!DOCTYPE html>\n<html lang=\"{esc(_.tag)}\"><head><meta charset=\"utf-8\">"
            f"<title>{esc(title)}</title><style>{CSS}</style></head><body>" + "".join(body) + "</body></html>\n")
