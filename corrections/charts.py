"""Small server-rendered SVG charts for the desk metrics page: no JavaScript, nothing from a CDN.

Every label is escaped; the result is marked safe only once it is whole.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

PALETTE = ("#417690", "#e07b39", "#5a9e4b", "#b04a6c", "#7c5fb0", "#c9a227", "#3aa3a3", "#8a8a8a")
FONT = 'font-family="system-ui, sans-serif" font-size="11"'

_ids = itertools.count(1)


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    title_id = f"chart-{slugify(title)[:40]}-{next(_ids)}"
    # Safe: every label interpolated into ``body`` and the title went through escape().
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{title_id}">'
        f'<title id="{title_id}">{escape(title)}</title>' + "".join(body) + "</svg>"
    )


def _scale_max(values: Sequence[float]) -> float:
    top = max(values, default=0)
    return top if top > 0 else 1


def bar_chart(
    bars: Sequence[tuple[str, float]],
    *,
    title: str,
    width: int = 560,
    height: int = 220,
    colours: Sequence[str] = PALETTE[:1],
) -> SafeString:
    """Vertical bars with their value above and their label below."""
    left, right, top, bottom = 10, 10, 20, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _scale_max([value for _, value in bars])
    slot = plot_w / max(len(bars), 1)
    body = [f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#999"/>']
    for index, ((label, value), colour) in enumerate(zip(bars, itertools.cycle(colours), strict=False)):
        bar_h = plot_h * value / top_value
        x = left + index * slot + slot * 0.15
        y = top + plot_h - bar_h
        centre = left + index * slot + slot / 2
        body.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{bar_h:.1f}" fill="{colour}">'
            f"<title>{escape(label)}: {escape(_number(value))}</title></rect>"
        )
        body.append(
            f'<text x="{centre:.1f}" y="{y - 4:.1f}" text-anchor="middle" {FONT}>{escape(_number(value))}</text>'
        )
        body.append(
            f'<text x="{centre:.1f}" y="{top + plot_h + 16:.1f}" text-anchor="middle" {FONT}>{escape(label)}</text>'
        )
    return _svg(width, height, title, body)


def line_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    title: str,
    width: int = 720,
    height: int = 260,
) -> SafeString:
    """One line per series over shared x labels, with a legend; every few x labels are written out."""
    left, right, top, bottom = 34, 30, 14, 40 + 16 * len(series)
    plot_w, plot_h = width - left - right, height - top - bottom
    if plot_h < 60:
        height += 60 - plot_h
        plot_h = 60
    top_value = _scale_max([value for _, values in series for value in values])
    step = plot_w / max(len(labels) - 1, 1)
    base = top + plot_h
    body = [
        f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" stroke="#999"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{base}" stroke="#999"/>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" {FONT}>{escape(_number(top_value))}</text>',
        f'<text x="{left - 4}" y="{base}" text-anchor="end" {FONT}>0</text>',
    ]
    every = max(1, len(labels) // 8)
    for index, label in enumerate(labels):
        if index % every == 0 or index == len(labels) - 1:
            x = left + index * step
            body.append(f'<text x="{x:.1f}" y="{base + 14}" text-anchor="middle" {FONT}>{escape(label)}</text>')
    for (name, values), colour in zip(series, itertools.cycle(PALETTE), strict=False):
        points = " ".join(
            f"{left + i * step:.1f},{base - plot_h * value / top_value:.1f}" for i, value in enumerate(values)
        )
        body.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2">'
            f"<title>{escape(name)}</title></polyline>"
        )
    for index, ((name, values), colour) in enumerate(zip(series, itertools.cycle(PALETTE), strict=False)):
        y = base + 30 + index * 16
        body.append(f'<rect x="{left}" y="{y - 9}" width="10" height="10" fill="{colour}"/>')
        body.append(f'<text x="{left + 16}" y="{y}" {FONT}>{escape(name)} ({escape(_number(sum(values)))})</text>')
    return _svg(width, height, title, body)
