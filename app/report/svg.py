"""Charts as inline SVG strings (no scripts, no external assets): horizontal bars and a donut."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

from web.palette import PROVIDER_COLOURS, SEVERITY_COLOURS

__all__ = ["PALETTE", "PROVIDER_COLOURS", "SEVERITY_COLOURS", "bar_chart", "donut"]

PALETTE = ("#2563eb", "#16a34a", "#f59e0b", "#dc2626", "#7c3aed", "#0891b2", "#db2777", "#65a30d", "#ea580c")
"""Colours of series without a declared colour of their own (tags, kinds)."""


def bar_chart(items: Sequence[tuple[str, float]], title: str, fmt: str = "{:,.0f}", width: int = 640) -> str:
    """Horizontal bars, one per (label, value), scaled to the largest value."""
    if not items:
        return f'<p class="empty">{escape(title)}: nothing to chart.</p>'
    row, label_w, value_w = 24, 220, 110
    height = row * len(items) + 30
    top = max(v for _, v in items) or 1.0
    bar_w = width - label_w - value_w
    parts = [
        f'<svg role="img" aria-label="{escape(title)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="12">',
        f'<text x="0" y="14" font-weight="bold">{escape(title)}</text>',
    ]
    for n, (label, value) in enumerate(items):
        y = 24 + n * row
        w = max(1.0, bar_w * value / top) if value > 0 else 0.0
        colour = PALETTE[n % len(PALETTE)]
        parts += [
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{escape(label[:34])}</text>',
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" fill="{colour}"/>',
            f'<text x="{label_w + w + 6:.1f}" y="{y + 15}">{escape(fmt.format(value))}</text>',
        ]
    parts.append("</svg>")
    return "".join(parts)


def donut(items: Sequence[tuple[str, float]], title: str, colours: Mapping[str, str] | None = None) -> str:
    """A donut of shares with a legend; empty when every value is zero."""
    total = sum(v for _, v in items)
    if total <= 0:
        return f'<p class="empty">{escape(title)}: nothing to chart.</p>'
    size, r, stroke = 180, 60, 28
    c = 2 * math.pi * r
    parts = [
        f'<svg role="img" aria-label="{escape(title)}" width="{size + 220}" height="{size + 20}" '
        f'viewBox="0 0 {size + 220} {size + 20}" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" '
        'font-size="12">',
        f'<text x="0" y="14" font-weight="bold">{escape(title)}</text>',
    ]
    offset = 0.0
    for n, (label, value) in enumerate(items):
        share = value / total
        colour = (colours or {}).get(label, PALETTE[n % len(PALETTE)])
        parts.append(
            f'<circle cx="{size / 2}" cy="{size / 2 + 20}" r="{r}" fill="none" stroke="{colour}" '
            f'stroke-width="{stroke}" stroke-dasharray="{share * c:.2f} {c:.2f}" stroke-dashoffset="{-offset:.2f}" '
            f'transform="rotate(-90 {size / 2} {size / 2 + 20})"/>'
        )
        offset += share * c
        y = 40 + n * 20
        parts += [
            f'<rect x="{size + 10}" y="{y - 10}" width="12" height="12" fill="{colour}"/>',
            f'<text x="{size + 28}" y="{y}">{escape(label)} ({share:.0%})</text>',
        ]
    parts.append("</svg>")
    return "".join(parts)
