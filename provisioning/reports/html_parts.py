"""Small HTML building blocks for the report page. Every value from the database
passes through ``cell``/``esc`` (html.escape, quotes included); the page's own words are
said in its language ``_`` (provisioning.reports.wording)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

from provisioning.reports.document import EnterpriseReport, Finding
from provisioning.reports.wording import Language


def esc(value: Any) -> str:
    """
    >>> esc('<script>alert("1")</script>')
    '&lt;script&gt;alert(&quot;1&quot;)&lt;/script&gt;'
    """
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.2f}"
    if hasattr(value, "isoformat"):
        value = value.isoformat(timespec="seconds") if hasattr(value, "hour") else value.isoformat()
    return escape(str(value), quote=True)


def cell(value: Any, *, tag: str = "td", css: str = "") -> str:
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    classes = " ".join(c for c in (css, "num" if numeric else "") if c)
    attr = f' class="{classes}"' if classes else ""
    return f"<{tag}{attr}>{esc(value)}</{tag}>"


def table(_: Language, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, css: str = "",
          row_css: Sequence[str] | None = None) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = []
    for i, row in enumerate(rows):
        cls = row_css[i] if row_css and row_css[i] else ""
        attr = f' class="{cls}"' if cls else ""
        body.append(f"<tr{attr}>" + "".join(cell(v) for v in row) + "</tr>")
    if not body:
        nothing = _("(none)")
        body.append(f'<tr><td colspan="{len(headers)}">{esc(nothing)}</td></tr>')
    cls = f' class="{css}"' if css else ""
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def section(anchor: str, title: str, *parts: str, note: str = "") -> str:
    text = f'<p class="note">{esc(note)}</p>' if note else ""
    return f'<section id="{anchor}"><h2>{esc(title)}</h2>{text}{"".join(parts)}</section>'


def who(e: EnterpriseReport, _: Language) -> str:
    """'OEM', or 'AGENT of 3 某某汽车 (until 2027-01-01)'."""
    if e.kind != "AGENT":
        return e.kind
    agent = _("AGENT of %(id)s %(name)s", id=e.authorized_by, name=e.authorized_by_name or "").rstrip()
    if e.authorized_until is None:
        return agent
    return _("%(who)s (until %(date)s)", who=agent, date=e.authorized_until.isoformat())


def label(e: EnterpriseReport) -> str:
    return f"{e.enterprise_id} {e.name}"


def findings_list(findings: Sequence[Finding], _: Language) -> str:
    items = []
    for f in findings:
        said = _(f.text, **f.values)
        if f.iccids:
            said = _("%(finding)s — e.g. %(iccids)s", finding=said, iccids=", ".join(f.iccids))
        items.append(f"<li><strong>{esc(f.code)}</strong>: {esc(said)}</li>")
    return "<ul>" + "".join(items) + "</ul>"


def banner(violations: Sequence[Finding], _: Language) -> str:
    if not violations:
        ok = _("No violations: every ACTIVE card has a VERIFIED registration (clause 8).")
        return f'<div class="banner ok" role="status">{esc(ok)}</div>'
    total = sum(v.count for v in violations)
    alarm = _("VIOLATION: %(total)s ACTIVE card(s) without a VERIFIED registration", total=f"{total:,}")
    return (f'<div class="banner violation" role="alert"><h2>{esc(alarm)}</h2>'
            f"{findings_list(violations, _)}</div>")
