"""iCalendar export: round trip through icalendar, stable UIDs, time zones."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import icalendar

from sideline.planner.ical import CalendarNames, export_ical
from sideline.planner.instance import Instance, parse_instance
from sideline.planner.schema import Plan
from sideline.planner.solver import SolveOptions, solve
from tests.planner.factory import instance, request, session

STAMP = dt.datetime(2024, 1, 1, 12, 0, tzinfo=dt.UTC)


def _planned(slot_start: str = "2024-05-06") -> tuple[Instance, Plan]:
    inst = parse_instance(
        instance(
            [
                session("unga", ["a", "b", "c"], city="New York", start=slot_start,
                        timezone="America/New_York", country="US"),
                session("ldn", ["a", "c"], city="London", start="2024-06-01", timezone="UTC"),
            ],
            [request("r1", ["a", "b"], priority=2), request("r2", ["a", "c"], slots=2)],
            rules={"day_start": "10:00", "slot_minutes": 60},
        )
    )  # fmt: skip
    return inst, solve(inst, options=SolveOptions(deterministic_time=10, num_workers=1))


def _events(data: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_export_ical_round_trips_with_time_zones() -> None:
    inst, plan = _planned()
    events = _events(export_ical(plan, inst, stamp=STAMP))
    assert sorted(events) == ["test.r1@sideline.planner", "test.r2@sideline.planner"]
    r1 = events["test.r1@sideline.planner"]
    start = r1.decoded("dtstart")
    assert start.tzinfo is not None
    assert r1["dtstart"].params["TZID"] == "America/New_York"
    assert start.astimezone(dt.UTC) == dt.datetime(2024, 5, 6, 14, 0, tzinfo=dt.UTC) + dt.timedelta(
        hours=next(m.slot for m in plan.meetings if m.request == "r1")
    )
    assert str(r1["summary"]) == "a – b: topic r1"


def test_export_ical_has_vtimezone_for_each_zone() -> None:
    inst, plan = _planned()
    calendar = icalendar.Calendar.from_ical(export_ical(plan, inst, stamp=STAMP))
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]


def test_export_ical_writes_utc_sessions_in_utc() -> None:
    inst, plan = _planned()
    data = export_ical(plan, inst, stamp=STAMP)
    r2 = _events(data)["test.r2@sideline.planner"]
    assert r2.decoded("dtend") - r2.decoded("dtstart") == dt.timedelta(hours=2)
    assert r2.decoded("dtstart").utcoffset() == dt.timedelta(0)
    assert b"DTSTAMP:20240101T120000Z" in data


def test_export_ical_uids_stable_across_replan() -> None:
    inst, plan = _planned()
    moved_inst, moved_plan = _planned(slot_start="2024-05-09")
    before = _events(export_ical(plan, inst, stamp=STAMP))
    after = _events(export_ical(moved_plan, moved_inst, stamp=STAMP, sequence=1))
    assert sorted(before) == sorted(after)
    uid = "test.r1@sideline.planner"
    assert after[uid].decoded("dtstart").date() == dt.date(2024, 5, 9)
    assert after[uid]["sequence"] == 1


def test_export_ical_filters_by_organization() -> None:
    inst, plan = _planned()
    events = _events(export_ical(plan, inst, organization="b", stamp=STAMP))
    assert sorted(events) == ["test.r1@sideline.planner"]


def test_export_ical_is_reproducible_with_fixed_stamp() -> None:
    inst, plan = _planned()
    assert export_ical(plan, inst, stamp=STAMP) == export_ical(plan, inst, stamp=STAMP)
    assert zoneinfo.ZoneInfo("America/New_York")  # the test machine knows the zone


def test_export_ical_for_organization_without_meetings_still_has_a_component() -> None:
    inst, plan = _planned()

    calendar = icalendar.Calendar.from_ical(export_ical(plan, inst, organization="z", stamp=STAMP))

    assert calendar.walk("VEVENT") == []
    assert [str(c["TZID"]) for c in calendar.walk("VTIMEZONE")] == ["UTC"]


def test_export_ical_names_organizations_topics_forums_and_countries() -> None:
    inst, plan = _planned()
    names = CalendarNames(
        organizations={"a": "NATO", "b": "CSTO"},
        topics={"t": "Counter-terrorism"},
        forums={"forum-unga": "UN General Assembly"},
        countries={"US": "United States"},
    )

    events = _events(export_ical(plan, inst, stamp=STAMP, names=names))

    r1 = events[f"{inst.id}.r1@sideline.planner"]
    assert str(r1["summary"]).startswith("NATO – CSTO: ")
    assert str(r1["location"]).startswith("New York, United States — UN General Assembly, room ")
    assert str(events[f"{inst.id}.r2@sideline.planner"]["summary"]).startswith("NATO – c: ")


def test_export_ical_writes_one_rdate_per_line() -> None:
    inst, plan = _planned()

    text = export_ical(plan, inst, stamp=STAMP).decode().replace("\r\n ", "")

    rdates = [line for line in text.splitlines() if line.startswith("RDATE")]
    assert rdates
    assert all("," not in line for line in rdates)
