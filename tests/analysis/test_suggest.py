"""Suggested meeting requests in the planner's instance format."""

from __future__ import annotations

from datetime import date

import pytest

from sideline.analysis.errors import AnalysisError, EmptyPeriodError, InvalidArgumentError
from sideline.analysis.snapshot import RegistrySnapshot
from sideline.analysis.suggest import suggest_meeting_requests

DAY = date(2015, 1, 1)


def test_suggest_meeting_requests_best_first(eurasia: RegistrySnapshot) -> None:
    # csto-nato S = 0.75 * 3/7 = 0.3214: collective-defence core/core -> round(3.21) = 3,
    #   counter-narcotics core/secondary -> round(10 * 0.3214 * 0.5) = round(1.61) = 2.
    # csto-sco S = 0.3125: both shared functions core/secondary -> round(1.5625) = 2.
    # nato-sco S = 0.083 is below the default 0.25 threshold.
    requests = suggest_meeting_requests(eurasia, day=DAY)

    assert requests == [
        {
            "id": "dup-csto-nato-collective-defence",
            "organizations": ["csto", "nato"],
            "topic": "collective-defence",
            "priority": 3,
            "slots": 1,
        },
        {
            "id": "dup-csto-nato-counter-narcotics",
            "organizations": ["csto", "nato"],
            "topic": "counter-narcotics",
            "priority": 2,
            "slots": 1,
        },
        {
            "id": "dup-csto-sco-counter-narcotics",
            "organizations": ["csto", "sco"],
            "topic": "counter-narcotics",
            "priority": 2,
            "slots": 1,
        },
        {
            "id": "dup-csto-sco-counter-terrorism",
            "organizations": ["csto", "sco"],
            "topic": "counter-terrorism",
            "priority": 2,
            "slots": 1,
        },
    ]


def test_suggest_meeting_requests_window_and_common_forum(eurasia: RegistrySnapshot) -> None:
    requests = suggest_meeting_requests(
        eurasia,
        day=DAY,
        window=(date(2015, 1, 1), date(2015, 12, 31)),
        attendees=[["csto", "sco", "osce"], ["nato"]],
    )

    assert [r["id"] for r in requests] == [
        "dup-csto-sco-counter-narcotics",
        "dup-csto-sco-counter-terrorism",
    ]
    assert requests[0]["not_before"] == "2015-01-01"
    assert requests[0]["not_after"] == "2015-12-31"


def test_suggest_meeting_requests_threshold_one_keeps_nothing(eurasia: RegistrySnapshot) -> None:
    assert suggest_meeting_requests(eurasia, day=DAY, threshold=1.0) == []


@pytest.mark.parametrize(
    ("kwargs", "error", "argument"),
    [
        ({"threshold": -0.1}, InvalidArgumentError, "threshold"),
        ({"window": (date(2015, 2, 1), date(2015, 1, 1))}, EmptyPeriodError, "window"),
    ],
)
def test_suggest_meeting_requests_invalid(
    eurasia: RegistrySnapshot, kwargs: dict[str, object], error: type[AnalysisError], argument: str
) -> None:
    with pytest.raises(error) as caught:
        suggest_meeting_requests(eurasia, day=DAY, **kwargs)  # type: ignore[arg-type]  # per case

    assert caught.value.argument == argument
