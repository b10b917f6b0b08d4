"""SVG charts: well-formed XML, accessible labels, the data values, escaped text."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from sideline.analysis.errors import InvalidArgumentError
from sideline.analysis.svg import bar_ranking_svg, heatmap_svg, network_svg, stacked_svg

NS = {"s": "http://www.w3.org/2000/svg"}


def _parse(svg: str, role: str = "img") -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == role
    return root


def _titles(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}title")]


def test_heatmap_svg_cells_carry_values() -> None:
    root = _parse(
        heatmap_svg(
            rows=["csto", "sco"],
            columns=["csto", "sco"],
            values=[[1.0, 0.5], [0.5, 1.0]],
            title="Jaccard, 2015",
            description="Shared members",
        ),
        role="group",
    )

    cells = root.findall("s:rect", NS)
    assert [c.get("data-value") for c in cells] == ["1.00", "0.50", "0.50", "1.00"]
    assert _titles(root)[0] == "Jaccard, 2015"
    assert root.find("s:desc", NS) is not None
    assert "csto × sco: 0.50" in _titles(root)
    assert cells[0].get("fill") == "#08519c"


def test_heatmap_svg_names_cells_one_tab_stop_values_and_legend() -> None:
    root = _parse(
        heatmap_svg(
            rows=["csto", "sco"],
            columns=["csto", "sco"],
            values=[[1.0, 0.25], [0.25, 1.0]],
            title="Jaccard",
            names={"csto": "CSTO", "sco": "Shanghai Cooperation Organisation"},
            legend="Jaccard index",
        ),
        role="group",
    )

    cells = root.findall("s:rect", NS)
    values = [t.text for t in root.findall("s:text", NS) if t.get("class") == "value"]
    legend = root.find("s:g[@class='legend']", NS)
    assert [c.get("aria-label") for c in cells] == [
        "CSTO × CSTO: 1.00",
        "CSTO × Shanghai Cooperation Organisation: 0.25",
        "Shanghai Cooperation Organisation × CSTO: 0.25",
        "Shanghai Cooperation Organisation × Shanghai Cooperation Organisation: 1.00",
    ]
    assert [c.get("tabindex") for c in cells] == ["0", "-1", "-1", "-1"]
    assert values == ["1.00", ".25", ".25", "1.00"]
    assert root.get("data-columns") == "2"
    assert legend is not None
    assert [t.text for t in legend.findall("s:text", NS)] == [
        "0",
        "0.25",
        "0.5",
        "0.75",
        "1",
        "Jaccard index",
    ]
    # The row labels fit: the matrix starts right of the longest name.
    assert float(cells[0].get("x") or 0) >= 6.5 * len("Shanghai Cooperation Organisation")


def test_bar_ranking_svg_leaves_room_for_long_labels() -> None:
    label = "NATO–CSTO: Counter-narcotics and border security"
    root = _parse(bar_ranking_svg(labels=[label], values=[7], title="Suggested"))

    bar = root.find("s:rect", NS)
    assert bar is not None
    assert float(bar.get("x") or 0) >= 6.5 * len(label)


def test_heatmap_svg_shape_mismatch() -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        heatmap_svg(rows=["a"], columns=["a", "b"], values=[[1.0]], title="x")

    assert str(caught.value) == "values must have 1 rows of 2 values"


def test_bar_ranking_svg_escapes_labels() -> None:
    svg = bar_ranking_svg(labels=["<script>", "KAZ & co"], values=[4, 2], title="Bridges")
    root = _parse(svg)

    assert "<script>" not in svg
    assert [r.get("data-value") for r in root.findall("s:rect", NS)] == ["4", "2"]
    assert "KAZ & co: 2" in _titles(root)
    assert root.findall("s:rect", NS)[1].get("width") == "150"


def test_stacked_svg_area_and_bars_with_index() -> None:
    for style in ("area", "bars"):
        root = _parse(
            stacked_svg(
                years=[2010, 2011, 2012],
                shares={"russia": [0.25, 1.0, None], "eu": [0.75, 0.0, None]},
                index=[0.81, 0.0, None],
                title="KAZ balance",
                style=style,
            )
        )
        titles = _titles(root)
        assert "2010 eu: 0.75" in titles
        assert "2011 balance index: 0.00" in titles
        assert not any(t.startswith("2012 ") for t in titles)
        assert len(root.findall("s:polyline", NS)) == 1


def test_stacked_svg_invalid_style_and_lengths() -> None:
    with pytest.raises(InvalidArgumentError) as style:
        stacked_svg(years=[2010], shares={"us": [1.0]}, title="x", style="pie")
    with pytest.raises(InvalidArgumentError) as length:
        stacked_svg(years=[2010, 2011], shares={"us": [1.0]}, title="x")

    assert style.value.argument == "style"
    assert str(length.value) == "us has 1 values for 2 years"


def test_network_svg_draws_edges_and_highlights() -> None:
    root = _parse(
        network_svg(
            organizations=["csto", "sco"],
            states=["KAZ", "CHN"],
            edges=[("csto", "KAZ"), ("sco", "KAZ"), ("sco", "CHN")],
            title="Membership network",
            highlight=["KAZ"],
        )
    )

    assert len(root.findall("s:g/s:line", NS)) == 3
    assert "sco – CHN" in _titles(root)
    fills = {
        c.findtext("s:title", namespaces=NS): c.get("fill") for c in root.findall("s:circle", NS)
    }
    assert fills["KAZ"] != fills["CHN"]


def test_network_svg_unknown_node() -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        network_svg(organizations=["csto"], states=[], edges=[("csto", "KAZ")], title="x")

    assert caught.value.code == "invalid_argument"
