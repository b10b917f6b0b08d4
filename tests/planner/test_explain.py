"""Reasons for unplaced requests, exact codes and messages."""

from __future__ import annotations

from sideline.planner.explain import explain_unplaced
from sideline.planner.instance import parse_instance
from sideline.planner.schema import Reason
from sideline.planner.solver import SolveOptions, solve
from tests.planner.factory import instance, request, session


def test_explain_names_missing_organization() -> None:
    inst = parse_instance(
        instance(
            [session("unga", ["nato", "csto"]), session("sco-s", ["csto", "sco"])],
            [request("r", ["nato", "sco"])],
        )
    )
    (unplaced,) = explain_unplaced(inst, [])
    assert unplaced.reasons == (
        Reason(
            "organization_absent",
            "no session in its window is attended by all its organizations: "
            "sco does not attend unga; nato does not attend sco-s",
            {"missing": {"unga": ["sco"], "sco-s": ["nato"]}},
        ),
    )


def test_explain_window_without_session_day() -> None:
    inst = parse_instance(
        instance(
            [session("early", ["a", "b"]), session("late", ["a"], start="2024-09-01")],
            [request("r", ["a", "b"], not_before="2024-08-01")],
        )
    )
    (unplaced,) = explain_unplaced(inst, [])
    assert [(r.code, r.message) for r in unplaced.reasons] == [
        ("organization_absent",
         "no session in its window is attended by all its organizations: b does not attend late"),
        ("window_has_no_session_day",
         "the sessions all its organizations attend (early) have no day "
         "between 2024-08-01 and any date"),
    ]  # fmt: skip


def test_explain_no_session_in_window() -> None:
    inst = parse_instance(
        instance([session("s", ["a", "b"])], [request("r", ["a", "b"], not_after="2024-01-31")])
    )
    (unplaced,) = explain_unplaced(inst, [])
    assert [(r.code, r.message) for r in unplaced.reasons] == [
        ("no_session_in_window", "no session has a day between any date and 2024-01-31")
    ]


def test_explain_too_long_for_day() -> None:
    inst = parse_instance(
        instance([session("s", ["a", "b"], slots=2)], [request("r", ["a", "b"], slots=3)])
    )
    (unplaced,) = explain_unplaced(inst, [])
    assert [r.message for r in unplaced.reasons] == [
        "it needs 3 consecutive slots; its sessions have at most 2 a day"
    ]


def test_explain_full_session_names_holders_by_priority() -> None:
    data = instance(
        [session("s", ["a", "b", "c", "d", "e", "f"], slots=1, rooms=2)],
        [request("hi", ["a", "b"], priority=5), request("mid", ["c", "d"], priority=3),
         request("lo", ["e", "f"], priority=1)],
    )  # fmt: skip
    plan = solve(parse_instance(data), options=SolveOptions(deterministic_time=10, num_workers=1))
    assert [(u.request, [(r.code, r.message) for r in u.reasons]) for u in plan.unplaced] == [
        ("lo", [
            ("rooms_full", "every room of s is taken in the slots it could use, by hi, mid"),
            ("lower_priority", "not placed for lower priority (priority 1) than competing "
             "meetings: hi (priority 5), mid (priority 3)"),
        ])
    ]  # fmt: skip


def test_explain_free_placement_when_plan_is_not_optimal() -> None:
    inst = parse_instance(instance([session("s", ["a", "b"])], [request("r", ["a", "b"])]))
    (unplaced,) = explain_unplaced(inst, [])
    assert [(r.code, r.message) for r in unplaced.reasons] == [
        ("free_placement_left",
         "it fits at s on 2024-05-06 slot 0; the search stopped before proving optimality "
         "or a tolerance let it go"),
    ]  # fmt: skip
