"""A server-rendered, accessible SVG line chart of progress over time."""

from __future__ import annotations

from datetime import date
from html import escape


def progress_chart(points: list[tuple[date, int]], *, title: str) -> str:
    """Return an ``<svg>`` with a ``<title>``; the page shows the same data as a table."""
    width, height, pad = 480, 200, 32
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-title" class="chart"><title id="chart-title">{escape(title)}</title>',
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#5b6477"/>',
        f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" stroke="#5b6477"/>',
        f'<text x="4" y="{pad + 4}" font-size="10">100%</text>',
        f'<text x="4" y="{height - pad}" font-size="10">0%</text>',
    ]
    if points:
        step = (width - 2 * pad) / max(len(points) - 1, 1)
        coords = [
            (pad + i * step, height - pad - (value / 100) * (height - 2 * pad))
            for i, (_day, value) in enumerate(points)
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#1f5fa8" stroke-width="2"/>')
        for (x, y), (day, value) in zip(coords, points, strict=True):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#1f5fa8"><title>{day:%Y-%m}: {value}%</title></circle>'
            )
        parts.append(f'<text x="{pad}" y="{height - 8}" font-size="10">{points[0][0]:%Y-%m}</text>')
        parts.append(
            f'<text x="{width - pad - 40}" y="{height - 8}" font-size="10">{points[-1][0]:%Y-%m}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
