"""Each warning rule both ways on crafted series, with its evidence."""

from __future__ import annotations

from datetime import date

from sideline.prevention.formats import ConflictRecord
from sideline.prevention.series import MonthTable, month_index
from sideline.prevention.signals import (
    above_base_rate,
    evaluate,
    forecast_above_threshold,
    neighbour_fighting,
    new_conflict_year,
)

AT = month_index(2021, 6)


def table(deaths: dict[str, dict[int, float]]) -> MonthTable:
    return MonthTable.from_values(deaths, first=AT - 200, last=AT)


def test_above_base_rate_raises_on_deaths_over_a_quiet_record() -> None:
    signal = above_base_rate(table({"KGZ": {AT - 1: 36.0}}), "KGZ", at=AT)

    assert signal.raised is True
    assert [e.value for e in signal.evidence] == ["36", "0.0"]


def test_above_base_rate_stays_down_at_a_state_s_usual_level() -> None:
    usual = {AT - i: 10.0 for i in range(200)}  # ten deaths every month, as always

    signal = above_base_rate(table({"AFG": usual}), "AFG", at=AT)

    assert signal.raised is False
    assert [e.value for e in signal.evidence] == ["30", "30.0"]


def test_above_base_rate_stays_down_without_deaths() -> None:
    assert above_base_rate(table({}), "KAZ", at=AT).raised is False


def conflict(conflict_id: int, year: int, states: tuple[str, ...]) -> ConflictRecord:
    return ConflictRecord(conflict_id, year, states, 1, 2, date(year, 5, 1), False)


def test_new_conflict_year_raises_on_an_onset_in_the_last_complete_year() -> None:
    at = month_index(2022, 3)  # the last complete year is 2021

    raised = new_conflict_year([conflict(13324, 2021, ("KGZ", "TJK"))], "TJK", at=at)
    continuing = new_conflict_year(
        [conflict(13324, 2021, ("KGZ", "TJK")), conflict(13324, 2020, ("KGZ", "TJK"))],
        "TJK",
        at=at,
    )

    assert raised.raised is True
    assert raised.evidence[1].value == "13324"
    assert continuing.raised is False
    assert continuing.evidence[1].value is None


def test_new_conflict_year_ignores_other_states_and_the_current_year() -> None:
    at = month_index(2021, 6)

    assert new_conflict_year([conflict(1, 2020, ("AFG",))], "TJK", at=at).raised is False
    assert new_conflict_year([conflict(1, 2021, ("TJK",))], "TJK", at=at).raised is False


def test_neighbour_fighting_both_ways_and_not_applicable_outside_the_table() -> None:
    fighting = neighbour_fighting(table({"AFG": {AT: 25.0}}), "TJK", at=AT)
    quiet = neighbour_fighting(table({"AFG": {AT: 24.0}, "FRA": {AT: 500.0}}), "TJK", at=AT)
    elsewhere = neighbour_fighting(table({}), "FRA", at=AT)

    assert fighting.raised is True
    assert fighting.evidence[0].label == "AFG: deaths in the last 3 months"
    assert quiet.raised is False
    assert elsewhere.raised is None
    assert not elsewhere.applicable


def test_forecast_above_threshold_both_ways_and_without_forecasts() -> None:
    high = forecast_above_threshold({"PAK": {AT + 3: 30.0, AT + 20: 900.0}}, "PAK", at=AT)
    low = forecast_above_threshold({"PAK": {AT + 3: 24.9}}, "PAK", at=AT)
    none = forecast_above_threshold({}, "PAK", at=AT)

    assert high.raised is True
    assert (high.evidence[0].value, high.evidence[0].label) == (
        "30.0",
        "largest forecast (mean deaths in a month), in 2021-09",
    )  # 2023-02 is beyond twelve months
    assert low.raised is False
    assert none.raised is None


def test_evaluate_runs_every_rule_in_order() -> None:
    signals = evaluate(table=table({}), records=[], forecasts={}, state="KAZ", at=AT)

    assert [s.rule for s in signals] == [
        "above_base_rate",
        "new_conflict_year",
        "neighbour_fighting",
        "forecast_above_threshold",
    ]
    assert [s.raised for s in signals] == [False, False, False, None]


def test_every_evidence_key_has_a_translatable_text() -> None:
    from sideline.prevention.evidence_text import EVIDENCE_TEXTS
    from sideline.prevention.signals import EVIDENCE_LABELS

    assert sorted(EVIDENCE_TEXTS) == sorted(EVIDENCE_LABELS)
