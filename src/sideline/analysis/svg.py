"""Server-rendered, accessible SVG charts: plain strings, no JavaScript, no CDN.

Each chart is an ``<svg role="img">`` labelled by its ``<title>`` and ``<desc>``; every
mark carries its own ``<title>`` with the exact value, so that screen readers and hover
tooltips show the data. Built with :mod:`xml.etree.ElementTree`, which escapes every
label, so a slug or a title can never inject markup.

>>> svg = bar_ranking_svg(labels=["KAZ", "RUS"], values=[3, 2], title="Blocs <spanned>")
>>> svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and "Blocs &lt;spanned&gt;" in svg
True
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence

from sideline.analysis.errors import InvalidArgumentError

__all__ = ["PALETTE", "bar_ranking_svg", "heatmap_svg", "network_svg", "stacked_svg"]

# Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442")
_FONT = {"font-family": "sans-serif", "font-size": "11"}


def _root(
    *, width: float, height: float, title: str, description: str, id_prefix: str
) -> ET.Element:
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
    return root


def _n(value: float) -> str:
    """Format a coordinate compactly (integers without a decimal point)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _text(parent: ET.Element, x: float, y: float, text: str, **attributes: str) -> None:
    ET.SubElement(parent, "text", {"x": _n(x), "y": _n(y), **_FONT, **attributes}).text = text


def _titled(parent: ET.Element, tag: str, attributes: dict[str, str], label: str) -> None:
    ET.SubElement(ET.SubElement(parent, tag, attributes), "title").text = label


def _render(root: ET.Element) -> str:
    return ET.tostring(root, encoding="unicode")


def _blend(value: float) -> str:
    """Return a colour from white (0) to dark blue (1)."""
    share = min(1.0, max(0.0, value))
    low, high = (255, 255, 255), (8, 81, 156)
    red, green, blue = (round(a + (b - a) * share) for a, b in zip(low, high, strict=True))
    return f"#{red:02x}{green:02x}{blue:02x}"


def _label_width(labels: Iterable[str]) -> float:
    """Return the width that the longest label needs at the charts' 11 px font.

    An estimate (SVG has no text measurement on the server): 6.5 px a character is wider
    than the average glyph of the common sans-serif fonts, so labels are never cut.
    """
    return 6.5 * max((len(label) for label in labels), default=0) + 12


def heatmap_svg(
    *,
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float]],
    title: str,
    description: str = "",
    value_format: str = "{:.2f}",
    id_prefix: str = "heatmap",
    names: Mapping[str, str] | None = None,
    legend: str = "",
) -> str:
    """Draw a matrix (an overlap or duplication matrix) as a heatmap of values in [0, 1].

    Rows and columns are labelled with ``names`` (an identifier → display name mapping)
    where given. Each cell is a focusable image labelled with its value, which it also
    shows on hover and focus (``.cell:hover + .value`` in the site's style); a legend of
    the colour scale, captioned ``legend``, is drawn below the matrix.

    Raises:
        InvalidArgumentError: ``values`` does not have ``len(rows)`` rows of
            ``len(columns)`` values.

    >>> svg = heatmap_svg(rows=["csto", "sco"], columns=["csto", "sco"],
    ...                   values=[[1, 0.5], [0.5, 1]], title="Jaccard",
    ...                   names={"csto": "CSTO", "sco": "SCO"})
    >>> "CSTO × SCO: 0.50" in svg
    True
    """
    if len(values) != len(rows) or any(len(row) != len(columns) for row in values):
        raise InvalidArgumentError(
            f"values must have {len(rows)} rows of {len(columns)} values",
            argument="values",
            value=len(values),
        )
    shown = dict(names or {})
    row_labels = [shown.get(r, r) for r in rows]
    column_labels = [shown.get(c, c) for c in columns]
    cell = 28.0
    left = max(40.0, _label_width(row_labels))
    # Column labels are turned 60°: their height is sin(60°) of their length.
    top = max(30.0, _label_width(column_labels) * 0.87)
    legend_height = 44.0
    width = max(left + cell * len(columns) + 10, left + 5 * 40 + 18 + _label_width([legend]))
    root = _root(
        width=width,
        height=top + cell * len(rows) + 10 + legend_height,
        title=title,
        description=description,
        id_prefix=id_prefix,
    )
    # The cells are focusable, so the chart is a labelled group of images, not one image.
    root.set("role", "group")
    root.set("data-columns", str(len(columns)))
    root.set("class", "heatmap")
    for j, label in enumerate(column_labels):
        x = left + cell * j + cell / 2
        _text(root, x, top - 6, label, transform=f"rotate(-60 {_n(x)} {_n(top - 6)})")
    for i, row_label in enumerate(row_labels):
        _text(root, left - 6, top + cell * i + cell / 2 + 4, row_label, **{"text-anchor": "end"})
        for j, column_label in enumerate(column_labels):
            value = float(values[i][j])
            shown_value = value_format.format(value)
            label = f"{row_label} × {column_label}: {shown_value}"
            _titled(
                root,
                "rect",
                {
                    "x": _n(left + cell * j),
                    "y": _n(top + cell * i),
                    "width": _n(cell - 1),
                    "height": _n(cell - 1),
                    "fill": _blend(value),
                    "data-value": shown_value,
                    "class": "cell",
                    "role": "img",
                    "aria-label": label,
                    # One tab stop for the whole matrix; arrow keys move between cells.
                    "tabindex": "0" if i == j == 0 else "-1",
                },
                label,
            )
            _text(
                root,
                left + cell * j + cell / 2,
                top + cell * i + cell / 2 + 4,
                shown_value.removeprefix("0") if value < 1 else shown_value,
                **{
                    "text-anchor": "middle",
                    "class": "value",
                    "aria-hidden": "true",
                    "fill": "#ffffff" if value > 0.55 else "#1d2433",
                    "font-size": "9",
                },
            )
    _heatmap_legend(root, x=left, y=top + cell * len(rows) + 14, caption=legend)
    return _render(root)


def _heatmap_legend(root: ET.Element, *, x: float, y: float, caption: str) -> None:
    """Draw the colour scale from 0 to 1 in five steps, with its caption."""
    group = ET.SubElement(root, "g", {"class": "legend", "aria-hidden": "true"})
    for step in range(5):
        value = step / 4
        ET.SubElement(
            group,
            "rect",
            {
                "x": _n(x + 40 * step),
                "y": _n(y),
                "width": "39",
                "height": "12",
                "fill": _blend(value),
                "stroke": "#d7dbe3",
            },
        )
        _text(group, x + 40 * step + 20, y + 24, f"{value:g}", **{"text-anchor": "middle"})
    if caption:
        _text(group, x + 5 * 40 + 8, y + 10, caption)


def bar_ranking_svg(
    *,
    labels: Sequence[str],
    values: Sequence[float],
    title: str,
    description: str = "",
    value_format: str = "{:g}",
    id_prefix: str = "ranking",
) -> str:
    """Draw a horizontal bar ranking (bridge states, duplication scores), in given order.

    Raises:
        InvalidArgumentError: ``labels`` and ``values`` differ in length.
    """
    if len(labels) != len(values):
        raise InvalidArgumentError(
            f"labels has {len(labels)} items but values has {len(values)}",
            argument="values",
            value=len(values),
        )
    bar, width = 20.0, 300.0
    left = max(110.0, _label_width(labels))
    top = 10.0
    root = _root(
        width=left + width + 70,
        height=top + bar * len(labels) + 10,
        title=title,
        description=description,
        id_prefix=id_prefix,
    )
    largest = max((float(v) for v in values), default=0.0) or 1.0
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + bar * index
        shown = value_format.format(value)
        _text(root, left - 6, y + bar / 2 + 4, label, **{"text-anchor": "end"})
        _titled(
            root,
            "rect",
            {
                "x": _n(left),
                "y": _n(y + 2),
                "width": _n(width * float(value) / largest),
                "height": _n(bar - 4),
                "fill": PALETTE[0],
                "data-value": shown,
            },
            f"{label}: {shown}",
        )
        _text(root, left + width * float(value) / largest + 4, y + bar / 2 + 4, shown)
    return _render(root)


def stacked_svg(
    *,
    years: Sequence[int],
    shares: Mapping[str, Sequence[float | None]],
    index: Sequence[float | None] = (),
    title: str,
    description: str = "",
    style: str = "area",
    id_prefix: str = "balance",
) -> str:
    """Draw pillar shares per year stacked to 1, as areas or bars, with the index as a line.

    Years without shares (None) are left blank; the index line breaks there too.

    Raises:
        InvalidArgumentError: a series or the index differs in length from ``years``, or
            ``style`` is neither ``area`` nor ``bars``.

    >>> svg = stacked_svg(years=[2010, 2011], shares={"russia": [0.5, 1.0], "eu": [0.5, 0.0]},
    ...                   index=[1.0, 0.0], title="Balance of KAZ")
    >>> "2010 russia: 0.50" in svg and "2011 balance index: 0.00" in svg
    True
    """
    if style not in ("area", "bars"):
        raise InvalidArgumentError(
            f"style {style!r} is neither 'area' nor 'bars'", argument="style", value=style
        )
    for name, series in [*shares.items(), *([("index", index)] if index else [])]:
        if len(series) != len(years):
            raise InvalidArgumentError(
                f"{name} has {len(series)} values for {len(years)} years",
                argument="shares" if name != "index" else "index",
                value=name,
            )
    left, top, width, height = 40.0, 10.0, 480.0, 200.0
    root = _root(
        width=left + width + 120,
        height=top + height + 30,
        title=title,
        description=description,
        id_prefix=id_prefix,
    )
    step = width / max(len(years), 1)

    def x_of(position: int) -> float:
        return left + step * position + step / 2

    def y_of(value: float) -> float:
        return top + height * (1.0 - value)

    base = [0.0] * len(years)
    for colour_index, (pillar, series) in enumerate(shares.items()):
        colour = PALETTE[colour_index % len(PALETTE)]
        group = ET.SubElement(root, "g", {"fill": colour, "data-pillar": pillar})
        ET.SubElement(group, "title").text = pillar
        for position, (year, value) in enumerate(zip(years, series, strict=True)):
            if value is None:
                continue
            lower, upper = base[position], base[position] + float(value)
            label = f"{year} {pillar}: {float(value):.2f}"
            if style == "bars":
                _titled(
                    group,
                    "rect",
                    {
                        "x": _n(x_of(position) - step * 0.4),
                        "y": _n(y_of(upper)),
                        "width": _n(step * 0.8),
                        "height": _n(y_of(lower) - y_of(upper)),
                    },
                    label,
                )
            else:
                # One trapezoid per year keeps blank years blank and each value titled.
                half = step / 2
                points = [
                    (x_of(position) - half, y_of(upper)),
                    (x_of(position) + half, y_of(upper)),
                    (x_of(position) + half, y_of(lower)),
                    (x_of(position) - half, y_of(lower)),
                ]
                _titled(
                    group,
                    "polygon",
                    {"points": " ".join(f"{_n(x)},{_n(y)}" for x, y in points)},
                    label,
                )
            base[position] = upper
        _text(root, left + width + 10, top + 14 * colour_index + 10, pillar, fill=colour)
    segment: list[str] = []
    for position, (year, value) in enumerate(zip(years, index or [None] * len(years), strict=True)):
        if value is None:
            _line(root, segment)
            segment = []
            continue
        segment.append(f"{_n(x_of(position))},{_n(y_of(float(value)))}")
        _titled(
            root,
            "circle",
            {
                "cx": _n(x_of(position)),
                "cy": _n(y_of(float(value))),
                "r": "3",
                "fill": "#000",
            },
            f"{year} balance index: {float(value):.2f}",
        )
    _line(root, segment)
    for position, year in enumerate(years):
        if len(years) <= 12 or position % max(1, len(years) // 10) == 0:
            _text(root, x_of(position), top + height + 16, str(year), **{"text-anchor": "middle"})
    return _render(root)


def _line(root: ET.Element, points: list[str]) -> None:
    if len(points) >= 2:
        ET.SubElement(
            root,
            "polyline",
            {"points": " ".join(points), "fill": "none", "stroke": "#000", "stroke-width": "2"},
        )


def network_svg(
    *,
    organizations: Sequence[str],
    states: Sequence[str],
    edges: Iterable[tuple[str, str]],
    title: str,
    description: str = "",
    highlight: Iterable[str] = (),
    id_prefix: str = "network",
) -> str:
    """Draw the organization–state bipartite network: organizations left, states right.

    ``highlight`` names states (bridge states) drawn in a second colour.

    Raises:
        InvalidArgumentError: an edge names an organization or state not listed.

    >>> svg = network_svg(organizations=["csto"], states=["KAZ"], edges=[("csto", "KAZ")],
    ...                   title="Members")
    >>> "csto – KAZ" in svg
    True
    """
    row_height, top = 16.0, 20.0
    left_x, right_x = 120.0, 420.0
    rows = max(len(organizations), len(states), 1)
    root = _root(
        width=right_x + 110,
        height=top + row_height * rows + 10,
        title=title,
        description=description,
        id_prefix=id_prefix,
    )
    spacing_left = row_height * rows / max(len(organizations), 1)
    spacing_right = row_height * rows / max(len(states), 1)
    where_org = {o: top + spacing_left * (i + 0.5) for i, o in enumerate(organizations)}
    where_state = {s: top + spacing_right * (i + 0.5) for i, s in enumerate(states)}
    marked = set(highlight)
    lines = ET.SubElement(root, "g", {"stroke": "#999", "stroke-width": "1"})
    for organization, state in edges:
        if organization not in where_org or state not in where_state:
            raise InvalidArgumentError(
                f"edge ({organization!r}, {state!r}) names a node that is not listed",
                argument="edges",
                value=(organization, state),
            )
        _titled(
            lines,
            "line",
            {
                "x1": _n(left_x),
                "y1": _n(where_org[organization]),
                "x2": _n(right_x),
                "y2": _n(where_state[state]),
            },
            f"{organization} – {state}",
        )
    for organization, y in where_org.items():
        _titled(
            root,
            "circle",
            {"cx": _n(left_x), "cy": _n(y), "r": "5", "fill": PALETTE[0]},
            organization,
        )
        _text(root, left_x - 8, y + 4, organization, **{"text-anchor": "end"})
    for state, y in where_state.items():
        colour = PALETTE[1] if state in marked else PALETTE[2]
        _titled(root, "circle", {"cx": _n(right_x), "cy": _n(y), "r": "4", "fill": colour}, state)
        _text(root, right_x + 8, y + 4, state)
    return _render(root)
