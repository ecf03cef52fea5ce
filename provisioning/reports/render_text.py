"""JSON and CSV renderings of the inspection report (pure formatting).

CSV is one flat table a spreadsheet opens as it is: ``enterprises_csv`` has one row
per enterprise (reason counts as ``rejected_<CODE>`` columns: each fixed reason code of model.py,
then any other code seen), and ``roster_csv`` one row per enterprise and role. Text
cells that a spreadsheet would run as a formula (starting with = + - @) get a leading
apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from provisioning.cards.states import STATES
from provisioning.reports.document import InspectionReport
from provisioning.reports.model import BACKFILL_FIELDS, CONTRACT_REASON_CODES, REGISTRATION_STATUSES, iso

_FORMULA = ("=", "+", "-", "@", "\t", "\r")
ROSTER_COLUMNS = ("enterprise_id", "enterprise_name", "kind", "role", "serving", "name", "id_type", "id_number",
                  "phone", "since", "roster_last_changed_at")


def render_json(report: InspectionReport) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"


def safe_cell(value: Any) -> Any:
    """
    >>> safe_cell("=HYPERLINK(1)"), safe_cell("某某汽车"), safe_cell(-3)
    ("'=HYPERLINK(1)", '某某汽车', -3)
    """
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def reason_codes(report: InspectionReport) -> list[str]:
    seen = {code for e in report.enterprises for code in e.registrations.rejected_by_reason}
    return [*CONTRACT_REASON_CODES, *sorted(seen - set(CONTRACT_REASON_CODES))]


def enterprise_columns(report: InspectionReport) -> list[str]:
    return ["enterprise_id", "name", "uscc", "kind", "authorized_by", "authorized_until", "cards_issued",
            *(f"cards_{s}" for s in STATES), "cards_sold", "cards_verified", "registrations_total",
            *(f"registrations_{s.lower()}" for s in REGISTRATION_STATUSES),
            *(f"rejected_{code}" for code in reason_codes(report)),
            *(f"backfill_{f}" for f in BACKFILL_FIELDS), "active_without_verified_registration", "violation",
            "numbers_blocks", "numbers_allocated", "numbers_assigned", "numbers_free", "numbers_quarantined",
            "numbers_utilisation_percent", "ip_prefixes", "ip_usable", "ip_assigned", "ip_utilisation_percent",
            "roster_last_changed_at", "roster_vacant_roles", "generated_at", "backfill_deadline"]


def enterprise_rows(report: InspectionReport) -> Iterable[dict[str, Any]]:
    codes = reason_codes(report)
    for e in report.enterprises:
        d = e.to_dict()
        row: dict[str, Any] = {"enterprise_id": e.enterprise_id, "name": e.name, "uscc": e.uscc, "kind": e.kind,
                               "authorized_by": e.authorized_by, "authorized_until": iso(e.authorized_until),
                               "cards_issued": e.cards.issued, "cards_sold": e.cards.sold,
                               "cards_verified": e.cards.verified}
        row.update({f"cards_{s}": n for s, n in d["cards"]["by_state"].items()})
        row.update({f"registrations_{k}": v for k, v in d["registrations"].items() if k != "rejected_by_reason"})
        row.update({f"rejected_{c}": e.registrations.rejected_by_reason.get(c, 0) for c in codes})
        row.update({f"backfill_{k}": v for k, v in d["backfill"].items()})
        row.update({f"numbers_{k}": v for k, v in d["numbers"].items()})
        row.update(ip_prefixes=" ".join(e.ip.prefixes), ip_usable=str(e.ip.usable), ip_assigned=e.ip.assigned,
                   ip_utilisation_percent=e.ip.percent, active_without_verified_registration=e.active_unverified,
                   violation="YES" if e.active_unverified else "NO",
                   roster_last_changed_at=iso(e.roster.last_changed_at),
                   roster_vacant_roles=" ".join(r.role for r in e.roster.roles if not r.serving),
                   generated_at=iso(report.meta.generated_at), backfill_deadline=iso(report.meta.backfill_deadline))
        yield row


def roster_rows(report: InspectionReport) -> Iterable[dict[str, Any]]:
    for e in report.enterprises:
        for r in e.roster.roles:
            yield {"enterprise_id": e.enterprise_id, "enterprise_name": e.name, "kind": e.kind, "role": r.role,
                   "serving": "YES" if r.serving else "NO", "name": r.name, "id_type": r.id_type,
                   "id_number": r.id_number, "phone": r.phone, "since": iso(r.since),
                   "roster_last_changed_at": iso(e.roster.last_changed_at)}


def _csv(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: safe_cell(v) for k, v in row.items()})
    return out.getvalue()


def enterprises_csv(report: InspectionReport) -> str:
    return _csv(enterprise_columns(report), enterprise_rows(report))


def roster_csv(report: InspectionReport) -> str:
    return _csv(ROSTER_COLUMNS, roster_rows(report))
