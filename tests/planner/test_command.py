"""``sideline plan``: plans from the registry, instance files, errors as one line."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import jsonschema  # type: ignore[import-untyped]  # no stubs installed in the venv
import pytest
from django.core.management import CommandError, call_command

from sideline.planner.models import FeedItem, Plan, PlanStatus
from tests.planner.factory import FAST_CLI, request, session
from tests.planner.plan_validator import validate_plan

SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "schemas"


def run(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "SIDELINE_DATA_DIR": str(tmp_path / "data")}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "sideline.cli", "plan", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


def small_instance() -> dict[str, object]:
    return {
        "schema": "sideline.plan-instance/1",
        "id": "small",
        "organizations": ["a", "b", "c"],
        "sessions": [session("s1", ["a", "b", "c"], slots=2, rooms=1)],
        "requests": [
            request("r1", ["a", "b"], priority=3),
            request("r2", ["b", "c"], priority=2),
            request("r3", ["a", "c"], priority=1),
        ],
    }


def test_plan_instance_json_validates_against_schema(tmp_path: Path) -> None:
    file = tmp_path / "instance.json"
    instance = small_instance()
    file.write_text(json.dumps(instance), encoding="utf-8")

    result = run("--instance", str(file), "--json", *FAST_CLI, tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    schema = json.loads((SCHEMAS / "plan-1.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(plan, schema)
    assert validate_plan(instance, plan) == []
    # The warm start is the optimum; whether the search proves it within a wall-clock
    # limit depends on the machine's speed, so the status and bound are not asserted.
    assert (plan["objective"], plan["status"] in ("optimal", "feasible")) == (5, True)
    assert [u["request"] for u in plan["unplaced"]] == ["r3"]
    assert f"objective 5, bound {plan['bound']}, gap " in result.stderr
    # Live reports while solving: the warm start first, the plan returned last.
    live = [line for line in result.stderr.splitlines() if line.endswith(")")]
    assert re.search(rf"incumbent 5, bound {plan['bound']}, gap [0-9.]+% \(priority\)$", live[-1])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "{not json",
            "$: not JSON (line 1, column 2: Expecting property name enclosed in double quotes)",
        ),
        (
            json.dumps({**small_instance(), "requests": [request("r1", ["a", "b", "zz"])]}),
            "$.requests[0].organizations[2]: 'zz' is not listed",
        ),
        (
            json.dumps({**small_instance(), "schema": "other"}),
            "$.schema: must be 'sideline.plan-instance/1'",
        ),
        (json.dumps([1, 2]), "$: must be an object"),
    ],
)
def test_plan_instance_bad_file_exits_2_naming_the_path(
    tmp_path: Path, content: str, message: str
) -> None:
    file = tmp_path / "bad.json"
    file.write_text(content, encoding="utf-8")

    result = run("--instance", str(file), "--json", *FAST_CLI, tmp_path=tmp_path)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == f"CommandError: {file}: {message}"


def test_plan_instance_missing_file_exits_2(tmp_path: Path) -> None:
    result = run("--instance", str(tmp_path / "nope.json"), tmp_path=tmp_path)

    assert result.returncode == 2
    assert result.stderr.strip() == f"CommandError: {tmp_path / 'nope.json'}: no such instance file"


def test_plan_without_year_is_a_usage_error(db: None) -> None:
    with pytest.raises(CommandError) as caught:
        call_command("plan")

    assert caught.value.returncode == 2
    assert str(caught.value) == "give a YEAR to plan, or --instance FILE"


def test_plan_publish_without_publisher_is_a_usage_error(db: None) -> None:
    with pytest.raises(CommandError) as caught:
        call_command("plan", "2013", "--publish")

    assert str(caught.value) == "--publish needs --publisher ORGANIZATION"


def test_plan_minimal_registry_requests_file_reports_unplaced(
    minimal_registry: Path, tmp_path: Path
) -> None:
    file = tmp_path / "requests.json"
    file.write_text(
        json.dumps([{"id": "r1", "organizations": ["csto", "nato"], "topic": "counter-narcotics"}]),
        encoding="utf-8",
    )
    out = StringIO()

    call_command("plan", "2012", "--requests", str(file), *FAST_CLI, stdout=out, stderr=StringIO())

    plan = Plan.objects.get(year=2012)
    unplaced = plan.unplaced.get()
    assert out.getvalue().strip() == (
        "2012 version 1 (draft, optimal): 0 meetings placed, 1 unplaced, objective 0, bound 0"
    )
    assert unplaced.request.key == "r1"
    assert unplaced.request.origin == "file"
    assert unplaced.request.function is not None
    assert [r["code"] for r in unplaced.reasons] == ["organization_absent"]


def test_plan_requests_file_error_names_path_in_file(
    minimal_registry: Path, tmp_path: Path
) -> None:
    file = tmp_path / "requests.json"
    file.write_text(json.dumps([{"id": "r1", "organizations": ["csto", "xx"]}]), encoding="utf-8")

    with pytest.raises(CommandError) as caught:
        call_command("plan", "2012", "--requests", str(file), *FAST_CLI, stderr=StringIO())

    assert caught.value.returncode == 2
    assert str(caught.value) == f"{file}: $[0].organizations[1]: 'xx' is not listed (and 1 more)"
    assert Plan.objects.count() == 0


def test_plan_bundled_2013_places_suggestions_at_real_sessions(registry: None) -> None:
    out = StringIO()

    call_command("plan", "2013", *FAST_CLI, stdout=out, stderr=StringIO())

    plan = Plan.objects.get(year=2013)
    venues = set(plan.meetings.values_list("venue", flat=True))
    assert plan.status == PlanStatus.DRAFT
    assert plan.version == 1
    # A proof within the command's wall-clock limit depends on the machine's speed.
    assert plan.solver_status in ("optimal", "feasible")
    assert plan.objective <= plan.bound
    assert plan.meetings.count() > 0
    assert venues <= {"unga-68", "sco-hos-2013-bishkek", "sco-hog-2013-tashkent"}
    assert validate_plan(plan.instance, plan.plan) == []
    assert out.getvalue().startswith(f"2013 version 1 (draft, {plan.solver_status}): ")


def test_plan_bundled_2013_publish_creates_changelog_and_feed(registry: None) -> None:
    call_command(
        "plan",
        "2013",
        *FAST_CLI,
        "--publish",
        "--publisher",
        "osce",
        stdout=StringIO(),
        stderr=StringIO(),
    )

    plan = Plan.objects.get(year=2013)
    meetings = plan.meetings.count()
    assert plan.status == PlanStatus.PUBLISHED
    assert plan.published_by is not None
    assert plan.published_by.slug == "osce"
    assert plan.changelog.splitlines()[0] == f"First publication: {meetings} meetings."
    assert FeedItem.objects.filter(plan=plan, kind="added").count() == 2 * meetings
