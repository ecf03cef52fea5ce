"""One entry point for every rendering of the inspection report.

>>> FORMATS, SECTIONS
(('json', 'csv', 'html'), ('enterprises', 'roster'))
"""

from __future__ import annotations

import dataclasses

from numbering.errors import Invalid
from provisioning.reports.document import InspectionReport
from provisioning.reports.html_page import html_page
from provisioning.reports.render_text import enterprises_csv, render_json, roster_csv
from provisioning.reports.wording import AS_WRITTEN, Language

FORMATS = ("json", "csv", "html")
#: CSV is one flat table: the enterprise rows (default) or the responsible-person roster
SECTIONS = ("enterprises", "roster")
MEDIA_TYPES = {"json": "application/json", "csv": "text/csv", "html": "text/html"}


class ReportOptionInvalid(Invalid):
    code = "REPORT_OPTION_INVALID"


@dataclasses.dataclass(frozen=True)
class Rendered:
    text: str
    format: str
    section: str
    filename: str

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]


def check_options(fmt: str, section: str | None) -> str:
    """The section to render; JSON and HTML always hold everything, roster included."""
    if fmt not in FORMATS:
        raise ReportOptionInvalid(f"format must be one of {', '.join(FORMATS)}", field="format")
    if section is None:
        return "enterprises"
    if section not in SECTIONS:
        raise ReportOptionInvalid(f"section must be one of {', '.join(SECTIONS)}", field="section")
    if fmt != "csv" and section != "enterprises":
        raise ReportOptionInvalid("a section applies to CSV only: JSON and HTML hold the roster already",
                                  field="section")
    return section


def render(report: InspectionReport, fmt: str, section: str | None = None, language: Language = AS_WRITTEN) -> Rendered:
    """The report as ``fmt``; HTML is for people, in ``language`` (JSON and CSV, for programs, are as written)."""
    section = check_options(fmt, section)
    stamp = report.meta.generated_at.strftime("%Y%m%dT%H%M%SZ")
    if fmt == "json":
        return Rendered(render_json(report), fmt, section, f"inspection-{stamp}.json")
    if fmt == "html":
        return Rendered(html_page(report, language), fmt, section, f"inspection-{stamp}.html")
    text = roster_csv(report) if section == "roster" else enterprises_csv(report)
    return Rendered(text, fmt, section, f"inspection-{stamp}-{section}.csv")
