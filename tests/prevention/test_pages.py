"""The monitor pages: the record with its limits, versions and sources, charts with tables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client

from sideline.prevention.services import import_conflict_files
from tests.prevention.conftest import CENTRAL

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(conflict_data: Path) -> None:
    import_conflict_files(
        [conflict_data / CENTRAL, conflict_data / "ucdp_other/peacesciencer_ucdp_acd.csv"]
    )


def test_region_page_on_bundled_data_states_limits_and_sources(
    registry: None, client: Client
) -> None:
    page = client.get("/prevention/").content.decode()

    assert "Kazakhstan in January 2022" in page
    assert "ucdp_ged_sb_country_year.csv" in page
    assert "UCDP data CC BY 4.0" in page
    assert "sideline data import-conflict" in page
    assert page.count('href="/prevention/states/') == 10


def test_state_page_shows_series_episodes_signals_and_skill(
    registry: None, imported: None, client: Client
) -> None:
    page = client.get("/prevention/states/tjk/").content.decode()

    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page
    assert 'data-testid="monthly-table"' in page
    assert "13324" in page
    assert "interstate" in page
    assert "above_base_rate" in page
    assert "neighbour_fighting" in page
    assert 'data-testid="baselines"' in page
    assert "2021" in page
    assert "ged_cm_sb_centralasia_neighbours.csv" in page
    assert "2024-07" in page
    assert "every published benchmark missed" in page.lower()


def test_any_state_by_code(registry: None, client: Client) -> None:
    redirect = client.get("/prevention/?state=fra")
    page = client.get("/prevention/states/FRA/")

    assert redirect.status_code == 302
    assert redirect["Location"] == "/prevention/states/FRA/"
    assert page.status_code == 200
    assert "France" in page.content.decode()
    assert client.get("/prevention/states/ZZZ/").status_code == 404
    assert client.get("/prevention/?state=<x>").status_code == 404


def test_exports_csv_and_json(registry: None, imported: None, client: Client) -> None:
    csv_text = client.get("/prevention/states/KGZ/?format=csv").content.decode()
    data = json.loads(client.get("/prevention/states/KGZ/?format=json").content)

    assert csv_text.startswith("state,period,deaths\nKGZ,2014-08,")
    assert csv_text.splitlines()[-1].startswith("KGZ,2024-07,")
    assert data["base_rates"]["last_event"]["month"].startswith("202")
    assert {d["kind"] for d in data["datasets"]} == {
        "country_month",
        "conflict_year",
        "country_year",
    }


def test_api_state_and_datasets(registry: None, imported: None, client: Client) -> None:
    state = client.get("/api/prevention/states/KAZ")
    unknown = client.get("/api/prevention/states/QQQ")
    skill = client.get("/api/prevention/skill").json()

    assert state.status_code == 200
    assert state.json()["name"] == "Kazakhstan"
    assert sum(m["deaths"] for m in state.json()["monthly"] if m["month"].startswith("2022")) == 0
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "unknown_state"
    assert {s["scope"] for s in skill} == {"central_asia", "central_asia_afghanistan"}
    assert len(client.get("/api/prevention/datasets").json()) == 3


def test_region_page_query_count_is_bounded(
    registry: None, imported: None, client: Client, django_assert_max_num_queries: object
) -> None:
    client.get("/prevention/")  # fill the cache
    with django_assert_max_num_queries(60):  # type: ignore[operator]
        assert client.get("/prevention/").status_code == 200


def test_state_page_in_russian(registry: None, imported: None, client: Client) -> None:
    page = client.get("/prevention/states/KGZ/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    assert "Чего эти данные не видят" in page
    assert "Боевые действия в соседнем государстве" in page
    # the rules' evidence comes from the core as keys, rendered in the reader's language
    assert "смертей за последние 3 месяца" in page
    assert "deaths in the last" not in page
