"""Charts as inline SVG drawn on the server: no JavaScript, no third-party code, readable when printed."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

from helpdesk.core.stats import Day

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 480, 180, 30, 22, 10
# A right-aligned label longer than its room runs off the left edge ("анкт-Петербург"): at 12px a
# Cyrillic capital is up to 9px wide, so the room holds LABEL_CHARS letters at most.
LABEL_WIDTH, LABEL_CHARS, LABEL_EM = 190, 20, 9


def _nice_max(value: int) -> int:
    """A round top for the axis: 4 -> 5, 17 -> 20, 230 -> 250."""
    if value <= 5:
        return 5
    for step in (1, 2, 2.5, 5, 10):
        magnitude = 10 ** (len(str(value)) - 1)
        top = int(step * magnitude)
        if top >= value:
            return top
    return value


def daily_bars(days: Sequence[Day], label: str, created_label: str, resolved_label: str) -> Markup:
    """Created (blue) and resolved (green) side by side per day, with the axis and a legend."""
    return _paired_bars([(f"{d.day:%d.%m}", d.created, d.resolved) for d in days], label, created_label,
                        resolved_label, every=5, least=0.0)


def horizontal_bars(rows: Sequence[tuple[str, int]], label: str, href: Sequence[str] | None = None) -> Markup:
    """One labelled bar per row (open requests by type or branch); bars link to the filtered list."""
    if not rows:
        return Markup("")
    top = max(value for _, value in rows) or 1  # all zero: empty bars, not a division by zero
    row_h, label_w, width = 26, LABEL_WIDTH, WIDTH
    height = row_h * len(rows) + 4
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">',
             f'<title>{escape(label)}</title>']
    for i, (name, value) in enumerate(rows):
        y = i * row_h + 4
        w = (width - label_w - 50) * value / top
        short = name if len(name) <= LABEL_CHARS else name[:LABEL_CHARS - 1] + "…"
        bar = (f'<text class="axis label" x="{label_w - 8}" y="{y + 15}" text-anchor="end">{escape(short)}</text>'
               f'<rect class="open" x="{label_w}" y="{y}" width="{max(w, 2):.1f}" height="{row_h - 8}">'
               f'<title>{escape(name)}: {value}</title></rect>'
               f'<text class="value" x="{label_w + max(w, 2) + 6:.1f}" y="{y + 14}">{value}</text>')
        if href is not None:
            bar = f'<a href="{escape(href[i])}">{bar}</a>'
        parts.append(bar)
    parts.append("</svg>")
    return Markup("".join(parts))


def month_bars(months: Sequence[tuple[str, int, int]], label: str, created_label: str, resolved_label: str,
               href: Sequence[str] | None = None) -> Markup:
    """Created (blue) and resolved (green) per month, each month's pair linked to its requests."""
    return _paired_bars(months, label, created_label, resolved_label, href=href, every=1, least=0.5)


def _paired_bars(groups: Sequence[tuple[str, int, int]], label: str, created_label: str, resolved_label: str,
                 href: Sequence[str] | None = None, every: int = 1, least: float = 0.0) -> Markup:
    """A created and a resolved bar per (name, created, resolved), an axis label every `every` groups (and
    the last), bars at least `least` high; with `href`, each group links to its requests."""
    top = _nice_max(max([g[1] for g in groups] + [g[2] for g in groups] + [1]))
    plot_w, plot_h = WIDTH - PAD_LEFT - 8, HEIGHT - PAD_TOP - PAD_BOTTOM
    slot = plot_w / max(len(groups), 1)
    bar = max(slot * 0.38, 1.0)
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)}">',
             f'<title>{escape(label)}</title>']
    for tick in (0, top // 2, top):
        y = PAD_TOP + plot_h - plot_h * tick / top
        parts.append(f'<line class="grid" x1="{PAD_LEFT}" x2="{WIDTH - 8}" y1="{y:.1f}" y2="{y:.1f}"/>'
                     f'<text class="axis" x="{PAD_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>')
    for i, (name, created, resolved) in enumerate(groups):
        x = PAD_LEFT + i * slot + (slot - 2 * bar) / 2
        pair = []
        for j, (value, css, what) in enumerate(((created, "created", created_label),
                                                (resolved, "resolved", resolved_label))):
            h = plot_h * value / top
            pair.append(f'<rect class="{css}" x="{x + j * bar:.1f}" y="{PAD_TOP + plot_h - h:.1f}" width="{bar:.1f}" '
                        f'height="{max(h, least):.1f}"><title>{escape(name)}: {escape(what)} {value}</title></rect>')
        group = "".join(pair)
        if href is not None:
            group = f'<a href="{escape(href[i])}">{group}</a>'
        if i % every == 0 or i == len(groups) - 1:
            group += (f'<text class="axis" x="{x + bar:.1f}" y="{HEIGHT - 6}" text-anchor="middle">'
                      f'{escape(name)}</text>')
        parts.append(group)
    parts.append("</svg>")
    legend = (f'<div class="legend"><span class="key created"></span>{escape(created_label)}'
              f'<span class="key resolved"></span>{escape(resolved_label)}</div>')
    return Markup("".join(parts) + legend)


def heat_map(grid: Sequence[Sequence[int]], weekdays: Sequence[str], label: str) -> Markup:
    """Requests by weekday (rows) and hour (columns): darker is more; each cell says its count."""
    top = max([max(row) for row in grid] + [1])
    cell, left, head = 18, 34, 16
    width, height = left + 24 * cell + 2, head + 7 * cell + 2
    parts = [f'<svg class="chart heat" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">',
             f'<title>{escape(label)}</title>']
    for hour in range(0, 24, 3):
        parts.append(f'<text class="axis" x="{left + hour * cell + cell / 2:.0f}" y="12" text-anchor="middle">'
                     f'{hour:02d}</text>')
    for d, row in enumerate(grid):
        y = head + d * cell
        parts.append(f'<text class="axis" x="{left - 6}" y="{y + 13}" text-anchor="end">{escape(weekdays[d])}</text>')
        for hour, n in enumerate(row):
            level = 0 if n == 0 else 1 + int(4 * n / top) if n < top else 5
            parts.append(f'<rect class="heat-{min(level, 5)}" x="{left + hour * cell}" y="{y}" width="{cell - 2}" '
                         f'height="{cell - 2}"><title>{escape(weekdays[d])} {hour:02d}:00: {n}</title></rect>')
    parts.append("</svg>")
    return Markup("".join(parts))
