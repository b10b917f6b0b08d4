"""Analysis pages: chart beside table, downloads, and messages instead of tracebacks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sideline.analysis.services import import_unvotes
from sideline.planner.instance import parse_instance
from tests.analysis.unvotes_factory import write_unvotes


def html(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("url", "table_text"),
    [
        ("/analysis/overlap/?as_of=2012-12-18&status=member&status=partner", "KAZ"),
        ("/analysis/duplication/?as_of=2013-01-01", "Counter-narcotics (secondary)"),
        ("/analysis/network/?as_of=2013-01-01", "KAZ RUS"),
        ("/analysis/bridges/?as_of=2013-01-01", "eurasian"),
        ("/analysis/balance/?state=KAZ&from=2002&to=2004", "Balance of"),
        ("/analysis/suggestions/?as_of=2013-01-01", "dup-csto-nato-counter-narcotics"),
    ],
)
def test_page_chart_beside_table(
    client: Client, minimal_registry: Path, url: str, table_text: str
) -> None:
    body = html(client, url)

    assert body.count('<svg xmlns="http://www.w3.org/2000/svg"') == 1
    assert "<table>" in body
    assert table_text in body
    assert "format=csv" in body
    assert "format=json" in body


def test_index_links_every_analysis(client: Client, minimal_registry: Path) -> None:
    body = html(client, "/analysis/")

    for name in (
        "overlap",
        "duplication",
        "network",
        "bridges",
        "balance",
        "voting",
        "suggestions",
    ):
        assert f'href="/analysis/{name}/"' in body


def test_duplication_page_explains_functions_and_states(client: Client, registry: None) -> None:
    body = html(client, "/analysis/duplication/?as_of=2015-01-01")

    assert "Both hold mandates over:" in body
    assert "Shared member states:" in body
    assert '<abbr title="Kazakhstan">KAZ</abbr>' in body


def test_page_bad_as_of_shows_message_and_today(client: Client, minimal_registry: Path) -> None:
    body = html(client, "/analysis/bridges/?as_of=2013-13-01")

    assert "“2013-13-01” is not a date; use YYYY-MM-DD. Showing today." in body
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in body


def test_page_as_of_outside_data_shows_message(client: Client, minimal_registry: Path) -> None:
    body = html(client, "/analysis/overlap/?as_of=1800-01-01")

    assert "Outside the data: day 1800-01-01 is outside the data (1949-04-04 to " in body
    assert "<svg" not in body


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("state=XXX", "There is no state “XXX” in the registry; pick one from the list."),
        ("state=KAZ&from=2010&to=2000", "The period is empty: “from” must not be after “to”."),
        ("state=KAZ&from=abc&to=2003", "“abc” is not a year; use YYYY."),
    ],
)
def test_balance_page_mistakes_show_message(
    client: Client, minimal_registry: Path, query: str, message: str
) -> None:
    body = html(client, f"/analysis/balance/?{query}")

    assert message in body


def test_overlap_csv_download(client: Client, minimal_registry: Path) -> None:
    response = client.get(
        "/analysis/overlap/?as_of=2012-12-18&status=member&status=partner&format=csv"
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="overlap.csv"'
    assert response.content.decode() == (
        "first,second,first_size,second_size,shared_count,jaccard,overlap_coefficient,shared\n"
        "csto,nato,3,2,1,0.25,0.5,KAZ\n"
    )


def test_balance_json_and_svg_downloads(client: Client, minimal_registry: Path) -> None:
    data = client.get("/analysis/balance/?state=KAZ&from=2002&to=2003&format=json")
    chart = client.get("/analysis/balance/?state=KAZ&from=2002&to=2003&format=svg")

    assert [(y["year"], y["index"]) for y in json.loads(data.content)] == [(2002, 0.0), (2003, 0.0)]
    assert data["Content-Disposition"] == 'attachment; filename="balance-KAZ-2002-2003.json"'
    assert chart["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert chart.content.decode().startswith("<svg")


def test_suggestions_planner_instance_download(client: Client, minimal_registry: Path) -> None:
    page = html(client, "/analysis/suggestions/?as_of=2012-06-01")
    response = client.get("/analysis/suggestions/?as_of=2012-06-01&format=instance")

    assert "Planner instance JSON for 2012" in page
    assert response["Content-Disposition"] == 'attachment; filename="plan-instance-2012.json"'
    instance = parse_instance(json.loads(response.content))
    assert [s.id for s in instance.sessions] == ["csto-council-2012"]
    assert [r.id for r in instance.requests] == ["dup-csto-nato-counter-narcotics"]


def test_voting_page_without_votes_says_how_to_import(
    client: Client, minimal_registry: Path
) -> None:
    body = html(client, "/analysis/voting/")

    assert "No UN General Assembly votes have been imported." in body
    assert "sideline data import-unvotes DIR" in body
    assert "<svg" not in body


def test_voting_page_after_import(client: Client, minimal_registry: Path, tmp_path: Path) -> None:
    import_unvotes(write_unvotes(tmp_path / "votes"))

    body = html(client, "/analysis/voting/?state=KAZ&from=1994&to=1995")

    assert "UN General Assembly votes of Kazakhstan" in body
    assert '<td class="num">49</td><td>1994</td><td class="num">0.50</td>' in body
    assert "3 roll calls imported from" in body


def test_voting_page_unknown_state_message(
    client: Client, minimal_registry: Path, tmp_path: Path
) -> None:
    import_unvotes(write_unvotes(tmp_path / "votes"))

    body = html(client, "/analysis/voting/?state=XXX")

    assert "There is no state “XXX” in the registry; pick one from the list." in body


@pytest.mark.parametrize(
    ("url", "extra"),
    [
        ("/analysis/overlap/?as_of=2015-01-01", 0),
        # The minimal registry's pair shares no state, so the state-name lookup is skipped.
        ("/analysis/duplication/?as_of=2015-01-01", 1),
        ("/analysis/bridges/?as_of=2015-01-01", 0),
        ("/analysis/network/?as_of=2015-01-01", 0),
        ("/analysis/suggestions/?as_of=2015-01-01", 0),
        ("/analysis/balance/?state=KAZ&from=2005&to=2015", 0),
    ],
)
def test_page_query_count_does_not_grow_with_registry(
    client: Client, minimal_registry: Path, url: str, extra: int
) -> None:
    from sideline.registry.services import load_package

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    load_package()  # the bundled registry: hundreds of memberships instead of five
    with CaptureQueriesContext(connection) as large:
        client.get(url)

    assert len(large.captured_queries) == len(small.captured_queries) + extra


def test_bundled_bridges_page_kazakhstan_top_five_2015(client: Client, registry: None) -> None:
    body = html(client, "/analysis/bridges/?as_of=2015-01-01")

    rows = body.split("<tbody>")[1].split("</tr>")[:5]
    assert any(">KAZ</a>" in row for row in rows)


def test_overlap_page_in_browser(page: Any, live_registry: None) -> None:
    page.goto("/analysis/overlap/?as_of=2015-01-01")

    chart = page.get_by_role("group", name="Membership overlap (Jaccard index) on 2015-01-01")
    assert chart.is_visible()
    assert page.get_by_role("cell", name="CSTO – SCO").count() == 1
