"""Special summits proposed with ``sideline plan YEAR --summits FILE``: stored, shown, exported."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import icalendar
import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from sideline.planner.models import Plan
from sideline.planner.services import create_plan, publish_plan, replan_plan
from sideline.registry.models import Organization
from tests.planner.factory import FAST, REQUESTS
from tests.planner.plan_validator import validate_plan

FAST_ARGS = ("--time-limit", "5", "--workers", "1")

# NATO and the CSTO attend no forum session together in 2013: only a summit can host them.
NATO_CSTO = {
    "id": "nato-csto",
    "organizations": ["nato", "csto"],
    "topic": "counter-narcotics",
    "priority": 5,
    "not_before": "2013-11-01",
    "not_after": "2013-11-30",
}
ASTANA = {
    "id": "astana-2013",
    "city": "Astana",
    "country": "KAZ",
    "timezone": "Asia/Almaty",
    "start": "2013-11-04",
    "end": "2013-11-05",
    "slots_per_day": 4,
    "rooms": 1,
    "cost": 2,
}


def write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def plan_with_files(requests: Path, summits: Path, *, stdout: StringIO | None = None) -> None:
    """Run ``sideline plan 2013 --requests … --summits …`` in this process."""
    call_command(
        "plan",
        "2013",
        "--requests",
        str(requests),
        "--summits",
        str(summits),
        *FAST_ARGS,
        stdout=stdout or StringIO(),
        stderr=StringIO(),
    )


@pytest.fixture
def summit_plan(registry: None) -> Plan:
    return create_plan(
        year=2013, requests=[*REQUESTS, NATO_CSTO], origin="file", summits=[ASTANA], options=FAST
    )


def test_plan_command_summits_file_is_stored_with_the_plan(registry: None, tmp_path: Path) -> None:
    requests = write(tmp_path / "requests.json", [*REQUESTS, NATO_CSTO])
    summits = write(tmp_path / "summits.json", [ASTANA])
    out = StringIO()

    plan_with_files(requests, summits, stdout=out)

    plan = Plan.objects.get(year=2013)
    assert plan.instance["summits"] == [ASTANA]
    assert validate_plan(plan.instance, plan.plan) == []
    # Where the search gets within the command's wall-clock limit depends on the
    # machine's speed: the summit's placement is asserted with deterministic time below.
    assert out.getvalue().startswith(f"2013 version 1 (draft, {plan.solver_status}): ")


def test_summit_opened_for_pair_without_common_session(summit_plan: Plan) -> None:
    meeting = summit_plan.meetings.get(request__key="nato-csto")
    # Slot k starts at 10:30 + k · 90 min in Astana (UTC+6 in 2013).
    local = dt.datetime.combine(meeting.date, dt.time(10, 30)) + dt.timedelta(
        minutes=90 * meeting.slot
    )
    assert summit_plan.plan["summits"] == ["astana-2013"]
    assert (meeting.session, meeting.summit, meeting.venue) == (None, "astana-2013", "astana-2013")
    assert meeting.date in {dt.date(2013, 11, 4), dt.date(2013, 11, 5)}
    assert meeting.timezone == "Asia/Almaty"
    assert meeting.start == (local - dt.timedelta(hours=6)).replace(tzinfo=dt.UTC)
    assert (summit_plan.objective, summit_plan.unplaced.count()) == (10 + 5 - 2, 0)
    assert (summit_plan.solver_status, summit_plan.meetings.count()) == ("optimal", 4)


def test_summit_not_opened_when_its_cost_exceeds_what_it_hosts(registry: None) -> None:
    plan = create_plan(
        year=2013,
        requests=[NATO_CSTO],
        origin="file",
        summits=[{**ASTANA, "cost": 6}],
        options=FAST,
    )

    unplaced = plan.unplaced.get(request__key="nato-csto")
    assert plan.meetings.count() == 0
    assert [r["code"] for r in unplaced.reasons] == ["summit_not_opened"]


def test_replan_keeps_summits_and_the_summit_meeting(summit_plan: Plan) -> None:
    before = summit_plan.meetings.get(request__key="nato-csto")

    new = replan_plan(plan=summit_plan, options=FAST)

    after = new.meetings.get(request__key="nato-csto")
    assert new.instance["summits"] == [ASTANA]
    assert (after.summit, after.date, after.slot, after.room) == (
        before.summit,
        before.date,
        before.slot,
        before.room,
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "{not json",
            "$: not JSON (line 1, column 2: Expecting property name enclosed in double quotes)",
        ),
        (json.dumps(ASTANA), "$: must be a list of summits"),
        (json.dumps([{**ASTANA, "start": "2013-11-31"}]), "$[0].start: must be a date YYYY-MM-DD"),
        (
            json.dumps([ASTANA, {**ASTANA, "id": "b", "rooms": 0}]),
            "$[1].rooms: must be a positive integer",
        ),
        (
            json.dumps([{**ASTANA, "attendees": ["nato"]}]),
            "$[0].attendees: is not a known field",
        ),
        (
            json.dumps([{**ASTANA, "timezone": "Asia/Astana City"}]),
            "$[0].timezone: 'Asia/Astana City' is not an IANA time zone",
        ),
        (
            json.dumps([{**ASTANA, "end": "2013-11-01"}]),
            "$[0].end: must not be before start",
        ),
        (json.dumps([{**ASTANA, "start": "2012-12-30"}]), "$[0].start: must be in 2013"),
        (
            json.dumps([{**ASTANA, "id": "unga-68"}]),
            "$[0].id: 'unga-68' is a forum session of 2013; choose another id",
        ),
    ],
)
def test_plan_command_bad_summits_file_names_file_and_path(
    registry: None, tmp_path: Path, content: str, message: str
) -> None:
    requests = write(tmp_path / "requests.json", [NATO_CSTO])
    summits = tmp_path / "summits.json"
    summits.write_text(content, encoding="utf-8")

    with pytest.raises(CommandError) as caught:
        plan_with_files(requests, summits)

    assert caught.value.returncode == 2
    assert str(caught.value) == f"{summits}: {message}"
    assert Plan.objects.count() == 0


def test_plan_command_requests_error_names_requests_file_beside_summits(
    registry: None, tmp_path: Path
) -> None:
    requests = write(tmp_path / "requests.json", [{**NATO_CSTO, "slots": 0}])
    summits = write(tmp_path / "summits.json", [ASTANA])

    with pytest.raises(CommandError) as caught:
        plan_with_files(requests, summits)

    assert str(caught.value) == f"{requests}: $[0].slots: must be a positive integer"


def test_plan_command_summits_with_instance_is_a_usage_error(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as caught:
        call_command("plan", "--instance", "x.json", "--summits", "s.json")

    assert caught.value.returncode == 2
    assert str(caught.value) == (
        "--instance solves a file only; drop YEAR, --requests, --summits and --publish"
    )


def test_plan_command_summits_not_json_exits_2_with_one_line(tmp_path: Path) -> None:
    summits = tmp_path / "summits.json"
    summits.write_text("[{", encoding="utf-8")
    environment = {**os.environ, "SIDELINE_DATA_DIR": str(tmp_path / "data")}
    environment.pop("DJANGO_SETTINGS_MODULE", None)

    result = subprocess.run(
        [sys.executable, "-m", "sideline.cli", "plan", "2013", "--summits", str(summits)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == (
        f"CommandError: {summits}: $: not JSON (line 1, column 3: "
        "Expecting property name enclosed in double quotes)"
    )


def test_calendar_shows_summit_meeting_with_venue_time(
    client: Client, summit_plan: Plan, coordinator: Any
) -> None:
    meeting = summit_plan.meetings.get(request__key="nato-csto")
    local = meeting.start.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Almaty"))
    client.force_login(coordinator)

    agenda = client.get("/planner/2013/").content.decode()
    month = client.get(f"/planner/2013/?view=month&month={meeting.date.month}").content.decode()
    only_nato = client.get("/planner/2013/?organization=nato").content.decode()
    detail = client.get(f"/planner/plans/{summit_plan.pk}/").content.decode()

    assert 'data-request="nato-csto"' in agenda
    assert f"{local:%H:%M}–" in agenda
    assert "venue time (Asia/Almaty)" in agenda
    assert agenda.count("Special summit astana-2013, Astana ·") == 1
    assert agenda.count(">Special summit astana-2013, Astana</h2>") == 1
    assert month.count('<span class="session">Special summit astana-2013, Astana</span>') == 2
    assert 'data-request="nato-csto"' in only_nato
    assert "Special summit astana-2013, Astana ·" in detail


def test_calendar_forum_filter_leaves_summits_out(
    client: Client, summit_plan: Plan, coordinator: Any
) -> None:
    client.force_login(coordinator)

    html = client.get("/planner/2013/?forum=unga-high-level-week").content.decode()

    assert 'data-request="nato-csto"' not in html
    assert "Special summit" not in html


def test_csv_marks_summit_meeting_with_its_time_zone(
    client: Client, summit_plan: Plan, coordinator: Any
) -> None:
    meeting = summit_plan.meetings.get(request__key="nato-csto")
    client.force_login(coordinator)

    response = client.get(f"/planner/plans/{summit_plan.pk}/meetings.csv")

    rows = {r["request"]: r for r in csv.DictReader(io.StringIO(response.content.decode()))}
    assert (rows["nato-csto"]["session"], rows["nato-csto"]["summit"]) == ("astana-2013", "yes")
    assert rows["r1"]["summit"] == "no"
    assert rows["nato-csto"]["timezone"] == "Asia/Almaty"
    assert rows["nato-csto"]["start_utc"] == meeting.start.isoformat()
    assert rows["nato-csto"]["start_local"].endswith("+06:00")


def test_ics_places_summit_meeting_in_astana_time(client: Client, summit_plan: Plan) -> None:
    publish_plan(plan=summit_plan, publisher=Organization.objects.get(slug="osce"))
    meeting = summit_plan.meetings.get(request__key="nato-csto")

    response = client.get("/planner/feeds/nato.ics?year=2013")

    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["uid"]) for e in events] == ["sideline-2013.nato-csto@sideline.planner"]
    event = events[0]
    assert str(event["location"]) == "Astana, Kazakhstan — Special summit astana-2013, room 1"
    assert event["dtstart"].dt.tzinfo.key == "Asia/Almaty"
    assert event["dtstart"].dt.astimezone(dt.UTC) == meeting.start


def test_api_meetings_flag_the_summit_meeting(
    client: Client, summit_plan: Plan, coordinator: Any
) -> None:
    client.force_login(coordinator)

    response = client.get(f"/api/planner/plans/{summit_plan.pk}/meetings")

    assert response.status_code == 200
    rows = {m["request"]: m for m in response.json()}
    assert (rows["nato-csto"]["summit"], rows["nato-csto"]["session"]) == (True, "astana-2013")
    assert rows["nato-csto"]["forum"] is None
    assert (rows["r1"]["summit"], rows["r1"]["forum"]) == (False, "unga-high-level-week")


@pytest.mark.parametrize(
    ("code", "location", "description"),
    [
        (
            "ru",
            "Астана, Казахстан — Специальный саммит astana-2013, зал 1",
            "Запрос nato-csto. Сопредседатели: ОДКБ и НАТО.",
        ),
        (
            "ar",
            "أستانا، كازاخستان — مؤتمر القمة الخاص astana-2013، القاعة 1",
            # The CSTO has no Arabic abbreviation in the names file: it falls back to English.
            "الطلب nato-csto. الرئيسان المشاركان: CSTO والناتو.",
        ),
    ],
)
def test_ics_speaks_the_feeds_language(
    client: Client, summit_plan: Plan, code: str, location: str, description: str
) -> None:
    publish_plan(plan=summit_plan, publisher=Organization.objects.get(slug="osce"))

    response = client.get("/planner/feeds/nato.ics", {"year": "2013", "lang": code})

    event = icalendar.Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert (str(event["location"]), str(event["description"])) == (location, description)
