"""Sessions held, announced and projected; how well each forum's rule fits the held ones."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import pytest
from django.test import Client

from sideline.registry.package import (
    BUNDLED_PACKAGE,
    DataIssue,
    PackageError,
    bundled_created,
    read_package,
)
from sideline.registry.recurrence import (
    ErrorSummary,
    fits,
    measurement_window,
    projection_errors,
    summarize,
)
from tests.registry.package_factory import minimal_tables, write_package

DOCS = Path(__file__).resolve().parents[2] / "docs" / "data.md"


@pytest.mark.parametrize(
    ("status", "start", "expected"),
    [
        (
            "projected",
            "2026-12-02",
            DataIssue(
                "sessions.csv",
                2,
                "status",
                "projected_in_past",
                "a projected session cannot lie in the past (2026-12-02, before 2026-12-03); "
                "record it as held with the source that shows it, or remove it",
            ),
        ),
        (
            "held",
            "2026-12-04",
            DataIssue(
                "sessions.csv",
                2,
                "status",
                "held_in_future",
                "a session starting on 2026-12-04 has not been held yet; record it as "
                "announced (with the announcement as source) or projected",
            ),
        ),
    ],
)
def test_session_status_must_agree_with_the_day(
    tmp_path: Path, status: str, start: str, expected: DataIssue
) -> None:
    tables = minimal_tables()
    tables["sessions"][0].update(status=status, start=start, end=start)

    with pytest.raises(PackageError) as raised:
        read_package(write_package(tmp_path, tables), today=date(2026, 12, 3))

    assert raised.value.issues == [expected]


@pytest.mark.parametrize(
    ("status", "start"), [("projected", "2026-12-03"), ("announced", "2020-01-01")]
)
def test_session_status_accepted(tmp_path: Path, status: str, start: str) -> None:
    tables = minimal_tables()
    tables["sessions"][0].update(status=status, start=start, end=start)

    package = read_package(write_package(tmp_path, tables), today=date(2026, 12, 3))

    assert package.rows("sessions")[0]["status"] == status


def test_the_package_created_day_separates_held_from_projected(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["sessions"][0].update(status="projected", start="2026-01-05", end="2026-01-05")
    directory = write_package(tmp_path, tables)  # the bundled descriptor: created 2026-12-03

    with pytest.raises(PackageError) as raised:
        read_package(directory)

    assert [issue.code for issue in raised.value.issues] == ["projected_in_past"]


def _bundled(name: str) -> list[dict[str, str]]:
    with (BUNDLED_PACKAGE / f"{name}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _documented_errors() -> dict[str, ErrorSummary]:
    text = DOCS.read_text(encoding="utf-8")
    block = text.split("<!-- recurrence-errors -->")[1].split("<!-- /recurrence-errors -->")[0]
    rows = re.findall(r"^\| ([a-z0-9-]+) \| (\d+) \| ([\d.]+) \| (\d+) \|$", block, re.M)
    return {
        slug: ErrorSummary(int(n), float(mean), int(largest)) for slug, n, mean, largest in rows
    }


def _measured_errors() -> dict[str, ErrorSummary]:
    """Each forum's errors over the ten complete years before the package was written."""
    created = bundled_created()
    assert created is not None
    first, last = measurement_window(created)
    measured: dict[str, ErrorSummary] = {}
    for forum in _bundled("forums"):
        days = [
            date.fromisoformat(row["start"])
            for row in _bundled("sessions")
            if row["forum"] == forum["slug"]
            and row["status"] == "held"
            and first <= date.fromisoformat(row["start"]) <= last
        ]
        errors = projection_errors(forum["rrule"], date.fromisoformat(forum["dtstart"]), days)
        summary = summarize(error for _, error in errors)
        if summary is not None:
            measured[forum["slug"]] = summary
    return measured


def test_recurrence_errors_in_the_docs_are_the_measured_ones() -> None:
    assert _measured_errors() == _documented_errors()


def test_every_forum_is_measured_over_ten_years_of_held_sessions() -> None:
    """Annual forums have a held session in each of the ten years the measure covers."""
    measured = _measured_errors()
    annual = {
        "unga-high-level-week",
        "osce-ministerial-council",
        "nato-foreign-ministers",
        "csto-collective-security-council",
        "sco-heads-of-state-council",
        "sco-heads-of-government-council",
        "cis-council-heads-of-state",
    }

    assert {slug: measured[slug].sessions >= 10 for slug in annual} == dict.fromkeys(annual, True)


def test_bundled_projections_reproduce_their_forum_rule() -> None:
    """A projected session is exactly the rule's occurrence, for a forum whose rule fits."""
    forums = {row["slug"]: row for row in _bundled("forums")}
    measured = _measured_errors()
    projected = [row for row in _bundled("sessions") if row["status"] == "projected"]

    assert projected
    for session in projected:
        forum = forums[session["forum"]]
        day = date.fromisoformat(session["start"])
        errors = projection_errors(forum["rrule"], date.fromisoformat(forum["dtstart"]), [day])
        assert errors == [(day, 0)], session["id"]
        assert session["source"] == forum["source"]
        assert fits(measured[forum["slug"]]), session["id"]  # only rules that fit


def test_api_sessions_say_their_status(client: Client, registry: None) -> None:
    sessions = client.get("/api/sessions?year=2027").json()
    page = client.get("/forums/?year=2027").content.decode()

    assert {s["status"] for s in sessions} == {"announced", "projected"}
    assert [s["id"] for s in sessions if s["status"] == "announced"] == ["unga-82"]
    assert sessions[0]["id"] == "european-council-2027-03-projected"
    assert 'data-status="projected"' in page
    assert 'data-status="announced"' in page


def test_plan_2027_from_the_bundled_data_alone(registry: None) -> None:
    """``sideline plan 2027`` places meetings at the announced and projected sessions of 2027."""
    from io import StringIO

    from django.core.management import call_command

    from sideline.planner.models import Plan
    from tests.planner.factory import FAST_CLI

    call_command("plan", "2027", *FAST_CLI, stdout=StringIO(), stderr=StringIO())

    plan = Plan.objects.get(year=2027)
    venues = set(plan.meetings.values_list("venue", flat=True))
    assert plan.meetings.count() > 0
    assert venues
    ahead = {
        row["id"]
        for row in _bundled("sessions")
        if row["start"].startswith("2027") and row["status"] in {"announced", "projected"}
    }
    assert venues - {""} <= ahead, venues
