"""Sessions held, announced and projected; how well each forum's rule fits the held ones."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import pytest
from django.test import Client

from sideline.registry.package import BUNDLED_PACKAGE, DataIssue, PackageError, read_package
from sideline.registry.recurrence import projection_errors
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


def _documented_errors() -> dict[str, tuple[int, float, int]]:
    text = DOCS.read_text(encoding="utf-8")
    block = text.split("<!-- recurrence-errors -->")[1].split("<!-- /recurrence-errors -->")[0]
    rows = re.findall(r"^\| ([a-z0-9-]+) \| (\d+) \| ([\d.]+) \| (\d+) \|$", block, re.M)
    return {slug: (int(n), float(mean), int(largest)) for slug, n, mean, largest in rows}


def test_recurrence_errors_in_the_docs_are_the_measured_ones() -> None:
    held = [row for row in _bundled("sessions") if row["status"] == "held"]
    measured: dict[str, tuple[int, float, int]] = {}
    for forum in _bundled("forums"):
        errors = [
            error
            for _, error in projection_errors(
                forum["rrule"],
                date.fromisoformat(forum["dtstart"]),
                [date.fromisoformat(s["start"]) for s in held if s["forum"] == forum["slug"]],
            )
        ]
        if errors:
            mean = round(sum(abs(e) for e in errors) / len(errors), 1)
            measured[forum["slug"]] = (len(errors), mean, max(abs(e) for e in errors))

    assert measured == _documented_errors()


def test_bundled_projections_reproduce_their_forum_rule() -> None:
    """A projected session is exactly the rule's occurrence, for a forum whose rule fits."""
    forums = {row["slug"]: row for row in _bundled("forums")}
    documented = _documented_errors()
    projected = [row for row in _bundled("sessions") if row["status"] == "projected"]

    assert projected
    for session in projected:
        forum = forums[session["forum"]]
        day = date.fromisoformat(session["start"])
        errors = projection_errors(forum["rrule"], date.fromisoformat(forum["dtstart"]), [day])
        assert errors == [(day, 0)], session["id"]
        assert session["source"] == forum["source"]
        assert documented[forum["slug"]][2] <= 42, session["id"]  # only rules that fit


def test_api_sessions_say_their_status(client: Client, registry: None) -> None:
    sessions = client.get("/api/sessions?year=2027").json()
    page = client.get("/forums/?year=2027").content.decode()

    assert {s["status"] for s in sessions} == {"projected"}
    assert sessions[0]["id"] == "european-council-2027-03-projected"
    assert 'data-status="projected"' in page


def test_plan_2027_from_the_bundled_data_alone(registry: None) -> None:
    """``sideline plan 2027`` places meetings at the projected sessions of 2027."""
    from io import StringIO

    from django.core.management import call_command

    from sideline.planner.models import Plan
    from tests.planner.factory import FAST_CLI

    call_command("plan", "2027", *FAST_CLI, stdout=StringIO(), stderr=StringIO())

    plan = Plan.objects.get(year=2027)
    venues = set(plan.meetings.values_list("venue", flat=True))
    assert plan.meetings.count() > 0
    assert venues
    assert all(venue.endswith("-projected") or not venue for venue in venues), venues
