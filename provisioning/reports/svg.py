"""Inline SVG charts drawn as strings (no library, no script, no external reference):
a registration funnel and stacked utilisation bars. Every label is escaped here.

>>> "<script>" in funnel([("issued", 3)], title="<script>")
False
>>> bar_width(5, 10, 200), bar_width(1, 10**20, 200), bar_width(0, 0, 200)
(100.0, 1.0, 0.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

FUNNEL_COLOURS = ("#4c6ef5", "#7950f2", "#2f9e44", "#087f5b")
#: the charts' text, set by the page's stylesheet (no style attribute: pages may forbid inline styles)
FONT_CSS = "svg.chart{font-family:system-ui,sans-serif;font-size:12px}"


def fmt(n: int) -> str:
    """
    >>> fmt(1234567), fmt(2**96)
    ('1,234,567', '7.9e+28')
    """
    return f"{n:,}" if n < 10**15 else f"{n:.1e}"


def bar_width(part: int, whole: int, full: float) -> float:
    """Pixels for ``part`` of ``whole``; a non-zero part is at least 1 px wide."""
    if not whole or not part:
        return 0.0
    return round(max(full * part / whole, 1.0), 1)


def _svg(width: int, height: int, title: str, body: list[str], css_class: str) -> str:
    t = escape(title)
    return (f'<svg class="chart {css_class}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'role="img" aria-label="{t}"><title>{t}</title>' + "".join(body) + "</svg>")


def _text(x: float, y: float, text: str, *, anchor: str = "start", weight: str = "normal",
          fill: str = "#222") -> str:
    return (f'<text x="{x}" y="{y}" text-anchor="{anchor}" font-weight="{weight}" fill="{fill}">'
            f"{escape(text)}</text>")


def funnel(stages: Sequence[tuple[str, int]], *, title: str, width: int = 460) -> str:
    """Centred bars, widest first: issued, sold (pushed), verified, active; each labelled
    with its count and its share of the first stage."""
    label_w, value_w, row_h = 70, 120, 26
    full = width - label_w - value_w
    first = max((v for _, v in stages), default=0)
    body = [_text(0, 14, title, weight="bold")]
    for i, (label, value) in enumerate(stages):
        y = 24 + i * row_h
        w = bar_width(value, first, full)
        x = label_w + (full - w) / 2
        share = f" ({100 * value / stages[0][1]:.1f}%)" if stages[0][1] and i else ""
        body.append(_text(0, y + 15, label))
        body.append(f'<rect x="{x:.1f}" y="{y}" width="{w}" height="20" rx="3" '
                    f'fill="{FUNNEL_COLOURS[i % len(FUNNEL_COLOURS)]}"/>')
        body.append(_text(label_w + full + 6, y + 15, f"{fmt(value)}{share}"))
    return _svg(width, 30 + len(stages) * row_h, title, body, "funnel")


Part = tuple[str, int, str]  # legend name, value, colour


def stacked_bars(rows: Sequence[tuple[str, Sequence[Part], int, str]], *, title: str,
                 legend: Sequence[tuple[str, str]], width: int = 900, empty: str = "(none allocated)") -> str:
    """One horizontal bar per row (label, parts, total, caption): the parts side by
    side as shares of the row's total, the caption after the bar; ``empty`` without rows."""
    label_w, caption_w, row_h = 220, 230, 24
    full = width - label_w - caption_w
    body = [_text(0, 14, title, weight="bold")]
    x = label_w
    for name, colour in legend:
        body.append(f'<rect x="{x}" y="22" width="12" height="12" fill="{colour}"/>')
        body.append(_text(x + 16, 32, name))
        x += 30 + 8 * len(name)
    for i, (label, parts, total, caption) in enumerate(rows):
        y = 44 + i * row_h
        body.append(_text(0, y + 13, label[:32] + ("…" if len(label) > 32 else "")))
        body.append(f'<rect x="{label_w}" y="{y}" width="{full}" height="16" fill="#f1f3f5" stroke="#ced4da"/>')
        x = float(label_w)
        for _name, value, colour in parts:
            w = bar_width(value, total, full)
            if w:
                body.append(f'<rect x="{x:.1f}" y="{y}" width="{w}" height="16" fill="{colour}"/>')
            x += w
        body.append(_text(label_w + full + 6, y + 13, caption))
    if not rows:
        body.append(_text(label_w, 58, empty))
    return _svg(width, 52 + max(len(rows), 1) * row_h, title, body, "bars")
