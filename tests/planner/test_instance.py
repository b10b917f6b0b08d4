"""Parsing and validating `sideline.plan-instance/1`."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from sideline.planner.instance import InstanceError, Rules, parse_instance
from tests.planner.factory import instance, request, session


def _base() -> dict[str, Any]:
    return instance(
        [session("s", ["a", "b", "c"], end="2024-05-07")],
        [request("r1", ["a", "b"]), request("r2", ["b", "c"])],
    )


def test_parse_instance_reads_design_example() -> None:
    data = {
        "schema": "sideline.plan-instance/1",
        "organizations": ["nato", "csto", "sco"],
        "sessions": [
            {"id": "unga-68", "forum": "unga-high-level-week", "city": "New York",
             "start": "2013-09-24", "end": "2013-10-01", "slots_per_day": 4,
             "rooms": 2, "attendees": ["nato", "csto", "sco"]}
        ],
        "requests": [
            {"id": "r1", "organizations": ["nato", "csto"], "topic": "counter-narcotics",
             "priority": 5, "slots": 1, "not_before": "2013-01-01", "not_after": "2013-12-31"}
        ],
        "rules": {"max_meetings_per_org_per_day": 3},
    }  # fmt: skip
    inst = parse_instance(data)
    assert inst.sessions[0].attendees == frozenset({"nato", "csto", "sco"})
    assert inst.sessions[0].timezone == "UTC"
    assert len(list(inst.sessions[0].days())) == 8
    assert inst.requests[0].not_after == dt.date(2013, 12, 31)
    assert inst.rules == Rules(max_meetings_per_org_per_day=3)


def _mutate(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(_base())
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "code", "message"),
    [
        (("schema",), "x/2", "wrong_schema", "$.schema: must be 'sideline.plan-instance/1'"),
        (("sessions",), {}, "not_a_list", "$.sessions: must be a list"),
        (("requests",), KeyError, "required", "$.requests: is required"),
        (("requests", 1, "slots"), 0, "not_an_integer", "$.requests[1].slots: must be a positive integer"),
        (("requests", 1, "slots"), True, "not_an_integer", "$.requests[1].slots: must be a positive integer"),
        (("requests", 0, "priority"), "high", "not_an_integer", "$.requests[0].priority: must be a positive integer"),
        (("requests", 0, "organizations"), ["a"], "too_few_organizations", "$.requests[0].organizations: must list at least two distinct organizations"),
        (("requests", 0, "organizations"), ["a", "zz"], "unknown_organization", "$.requests[0].organizations[1]: 'zz' is not listed"),
        (("requests", 0, "organizations"), ["a", "a"], "duplicate", "$.requests[0].organizations[1]: 'a' is listed twice"),
        (("requests", 0, "not_before"), "2024-13-01", "not_a_date", "$.requests[0].not_before: must be a date YYYY-MM-DD"),
        (("requests", 0), request("r1", ["a", "b"], not_before="2024-05-07", not_after="2024-05-06"), "end_before_start", "$.requests[0].not_after: must not be before not_before"),
        (("requests", 1, "id"), "r1", "duplicate_id", "$.requests[1].id: 'r1' is already used at $.requests[0]"),
        (("requests", 0, "colour"), "red", "unknown_field", "$.requests[0].colour: is not a known field"),
        (("sessions", 0, "end"), "2024-05-01", "end_before_start", "$.sessions[0].end: must not be before start"),
        (("sessions", 0, "rooms"), -1, "not_an_integer", "$.sessions[0].rooms: must be a positive integer"),
        (("sessions", 0, "timezone"), "Mars/Olympus", "unknown_timezone", "$.sessions[0].timezone: 'Mars/Olympus' is not an IANA time zone"),
        (("sessions", 0, "attendees"), "a", "not_a_list", "$.sessions[0].attendees: must be a list of strings"),
        (("sessions", 0), 7, "not_an_object", "$.sessions[0]: must be an object"),
        (("rules",), {"min_meetings_per_org": -1}, "not_an_integer", "$.rules.min_meetings_per_org: must be an integer >= 0"),
        (("rules",), {"replan_tolerance": 2}, "not_a_fraction", "$.rules.replan_tolerance: must be a number between 0 and 1"),
        (("rules",), {"travel": "yes"}, "not_a_boolean", "$.rules.travel: must be true or false"),
        (("rules",), {"day_start": "9am"}, "not_a_time", "$.rules.day_start: must be a time HH:MM"),
        (("pinned",), [{"request": "r1", "session": "s", "date": "2024-05-06", "slot": -1, "room": 0}], "not_an_integer", "$.pinned[0].slot: must be an integer >= 0"),
        (("pinned",), [{"request": "nope", "session": "s", "date": "2024-05-06", "slot": 0, "room": 0}], "unknown_request", "$.pinned[0].request: 'nope' is not a request"),
    ],
)  # fmt: skip
def test_parse_instance_rejects_malformed_with_path(
    path: tuple[Any, ...], value: Any, code: str, message: str
) -> None:
    with pytest.raises(InstanceError) as raised:
        parse_instance(_mutate(path, value))
    assert (raised.value.code, str(raised.value.issues[0])) == (code, message)


def test_parse_instance_rejects_non_object() -> None:
    with pytest.raises(InstanceError, match=r"^\$: must be an object$"):
        parse_instance([1, 2])


def test_parse_instance_lists_every_issue() -> None:
    data = _mutate(("requests", 0, "slots"), 0)
    data["requests"][1]["priority"] = 0
    with pytest.raises(InstanceError) as raised:
        parse_instance(data)
    assert [i.path for i in raised.value.issues] == [
        "$.requests[0].slots",
        "$.requests[1].priority",
    ]
    assert str(raised.value) == "$.requests[0].slots: must be a positive integer (and 1 more)"


def test_parse_instance_names_contradictory_pins() -> None:
    data = _base()
    data["pinned"] = [
        {"request": "r1", "session": "s", "date": "2024-05-06", "slot": 0, "room": 0},
        {"request": "r2", "session": "s", "date": "2024-05-06", "slot": 0, "room": 0},
    ]
    with pytest.raises(InstanceError) as raised:
        parse_instance(data)
    assert [(i.code, i.path, i.message) for i in raised.value.issues] == [
        ("contradictory_rules", "$.pinned[0], $.pinned[1]",
         "pinned meetings break room: r1 and r2 share room 0 at s on 2024-05-06"),
        ("contradictory_rules", "$.pinned[0], $.pinned[1]",
         "pinned meetings break delegation: b is in r1 and r2 at once on 2024-05-06"),
    ]  # fmt: skip


def test_parse_instance_names_pin_against_daily_cap() -> None:
    data = _base()
    data["sessions"][0]["rooms"] = 2
    data["rules"] = {"max_meetings_per_org_per_day": 1}
    data["pinned"] = [
        {"request": "r1", "session": "s", "date": "2024-05-06", "slot": 0, "room": 0},
        {"request": "r2", "session": "s", "date": "2024-05-06", "slot": 1, "room": 1},
    ]
    with pytest.raises(InstanceError) as raised:
        parse_instance(data)
    assert [i.message for i in raised.value.issues] == [
        "pinned meetings break daily_cap: b has 2 meetings on 2024-05-06 (at most 1)"
    ]


def test_parse_instance_names_pin_outside_window() -> None:
    data = _base()
    data["requests"][0]["not_after"] = "2024-05-06"
    data["pinned"] = [{"request": "r1", "session": "s", "date": "2024-05-07", "slot": 0, "room": 0}]
    with pytest.raises(InstanceError) as raised:
        parse_instance(data)
    assert raised.value.issues[0].message == (
        "pinned meetings break window: r1: 2024-05-07 is outside the request's window"
    )
