"""A column chart of deaths over time, as an accessible SVG string.

Built like the analysis' charts (:mod:`sideline.analysis.svg`): an ``<svg role="img">``
labelled by its ``<title>`` and ``<desc>``, every column with its own ``<title>`` giving
the exact value, and :mod:`xml.etree.ElementTree` escaping every label. The page puts
the same numbers in a table beside it.

>>> svg = columns_svg([("2021-04", 36.0), ("2021-05", 0.0)], title="KGZ <monthly>", id_prefix="m")
>>> "KGZ &lt;monthly&gt;" in svg and svg.count("<rect") == 1
True
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

__all__ = ["columns_svg"]

_COLOUR = "#D55E00"  # Okabe–Ito vermilion, as in the analysis' palette
_FONT = {"font-family": "sans-serif", "font-size": "11"}


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def columns_svg(
    points: Sequence[tuple[str, float]],
    *,
    title: str,
    id_prefix: str,
    description: str = "",
    width: float = 720,
    height: float = 200,
    every: int = 1,
) -> str:
    """Return a column per point; label every ``every``-th point on the axis.

    A point of zero draws no column but keeps its place, so gaps read as quiet months.
    """
    left, bottom, top = 48.0, 24.0, 12.0
    plot_w, plot_h = width - left - 8, height - bottom - top
    peak = max((v for _, v in points), default=0.0) or 1.0
    root = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "width": _n(width),
            "height": _n(height),
            "viewBox": f"0 0 {_n(width)} {_n(height)}",
            "role": "img",
            "aria-labelledby": f"{id_prefix}-title {id_prefix}-desc",
        },
    )
    ET.SubElement(root, "title", {"id": f"{id_prefix}-title"}).text = title
    ET.SubElement(root, "desc", {"id": f"{id_prefix}-desc"}).text = description or title
    base = top + plot_h
    ET.SubElement(
        root,
        "line",
        {"x1": _n(left), "x2": _n(left + plot_w), "y1": _n(base), "y2": _n(base), "stroke": "#555"},
    )
    ET.SubElement(root, "text", {"x": "2", "y": _n(top + 8), **_FONT}).text = f"{peak:,.0f}"
    ET.SubElement(root, "text", {"x": "2", "y": _n(base), **_FONT}).text = "0"
    step = plot_w / max(len(points), 1)
    for i, (label, value) in enumerate(points):
        x = left + i * step
        if value > 0:
            bar_h = max(value / peak * plot_h, 1.0)
            rect = ET.SubElement(
                root,
                "rect",
                {
                    "x": _n(x),
                    "y": _n(base - bar_h),
                    "width": _n(max(step - 1, 1.0)),
                    "height": _n(bar_h),
                    "fill": _COLOUR,
                },
            )
            ET.SubElement(rect, "title").text = f"{label}: {value:,.0f}"
        if i % every == 0:
            ET.SubElement(root, "text", {"x": _n(x), "y": _n(height - 6), **_FONT}).text = label
    return ET.tostring(root, encoding="unicode")
