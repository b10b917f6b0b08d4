"""UN General Assembly voting alignment: hand-computed tables and the published scores."""

from __future__ import annotations

import csv
import os
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from sideline.analysis.errors import (
    AnalysisError,
    DateOutOfRangeError,
    EmptyPeriodError,
    InvalidArgumentError,
    UnknownPillarError,
    UnknownStateError,
    VoteDataError,
)
from sideline.analysis.unvotes import load_unvotes
from sideline.analysis.voting import VoteTable, alignment_rows, state_alignment

EU = {
    "FRA": (date(1958, 1, 1), None),
    "DEU": (date(1958, 1, 1), None),
    "GBR": (date(1973, 1, 1), date(2020, 2, 1)),
}


@pytest.fixture
def small() -> VoteTable:
    # Session 50: two roll calls; session 51: one roll call.
    return VoteTable.from_records(
        roll_calls=[
            (1, 50, date(1995, 10, 1)),
            (2, 50, date(1995, 11, 1)),
            (3, 51, date(2020, 3, 1)),
        ],
        votes=[
            (1, "USA", "yes"),
            (1, "RUS", "no"),
            (1, "KAZ", "yes"),
            (1, "FRA", "yes"),
            (1, "DEU", "yes"),
            (1, "GBR", "no"),
            (2, "USA", "no"),
            (2, "RUS", "abstain"),
            (2, "KAZ", "abstain"),
            (2, "FRA", "no"),
            (2, "DEU", "abstain"),
            (2, "GBR", "yes"),
            (3, "USA", "yes"),
            (3, "KAZ", "no"),
            (3, "FRA", "no"),
            (3, "DEU", "yes"),
            (3, "GBR", "no"),
        ],
    )


def test_state_alignment_exact_hand_computed(small: VoteTable) -> None:
    # KAZ vs USA, session 50: yes/yes 1, abstain/no 0 -> 0.5; session 51: no/yes 0.
    # KAZ vs RUS, session 50: yes/no 0, abstain/abstain 1 -> 0.5; RUS absent in 51.
    # EU plurality: rc1 yes (2 of 3); rc2 tie no/abstain/yes -> left out;
    #   rc3 in 2020-03: GBR has left, FRA no vs DEU yes tie -> left out.
    result = state_alignment(small, "KAZ", eu_members=EU)

    assert result == {"us": {50: 0.5, 51: 0.0}, "russia": {50: 0.5}, "china": {}, "eu": {50: 1.0}}


def test_state_alignment_graded_hand_computed(small: VoteTable) -> None:
    # KAZ vs USA session 50: yes/yes 1, abstain/no 0.5 -> 0.75.
    result = state_alignment(small, "KAZ", pillars=("us",), rule="graded")

    assert result == {"us": {50: 0.75, 51: 0.0}}


def test_state_alignment_eu_exit_date_counts(small: VoteTable) -> None:
    # Without the exit, rc3 has FRA no, GBR no, DEU yes -> plurality no; KAZ no agrees.
    members = {**EU, "GBR": (date(1973, 1, 1), None)}

    result = state_alignment(small, "KAZ", pillars=("eu",), eu_members=members)

    assert result == {"eu": {50: 1.0, 51: 1.0}}


def test_alignment_rows_lists_every_state(small: VoteTable) -> None:
    rows = alignment_rows(small, pillars=("russia",))

    assert [(r.state, r.session, r.agreement, r.votes) for r in rows] == [
        ("DEU", 50, 0.5, 2),
        ("FRA", 50, 0.0, 2),
        ("GBR", 50, 0.5, 2),
        ("KAZ", 50, 0.5, 2),
        ("RUS", 50, 1.0, 2),
        ("USA", 50, 0.0, 2),
    ]


@pytest.mark.parametrize(
    ("kwargs", "error", "code", "message"),
    [
        (
            {"state": "XXX"},
            UnknownStateError,
            "unknown_state",
            "state 'XXX' has no votes in the table",
        ),
        (
            {"pillars": ("turkey",)},
            UnknownPillarError,
            "unknown_pillar",
            "pillar 'turkey' has no voting reference; use any of ['us', 'russia', 'china', 'eu']",
        ),
        ({"pillars": ()}, EmptyPeriodError, "empty_period", "pillars is empty; name at least one"),
        (
            {"sessions": (51, 50)},
            EmptyPeriodError,
            "empty_period",
            "sessions 51 to 50 run backwards",
        ),
        (
            {"sessions": (40, 50)},
            DateOutOfRangeError,
            "date_out_of_range",
            "sessions 40 to 50 reach outside the data (sessions 50 to 51)",
        ),
        (
            {"rule": "fuzzy"},
            InvalidArgumentError,
            "invalid_argument",
            "rule 'fuzzy' is neither 'exact' nor 'graded'",
        ),
    ],
)
def test_state_alignment_invalid(
    small: VoteTable,
    kwargs: dict[str, object],
    error: type[AnalysisError],
    code: str,
    message: str,
) -> None:
    arguments: dict[str, object] = {"state": "KAZ", **kwargs}

    with pytest.raises(error) as caught:
        state_alignment(small, **arguments)  # type: ignore[arg-type]  # values vary by case

    assert (caught.value.code, str(caught.value)) == (code, message)


def test_vote_table_from_records_unknown_vote() -> None:
    with pytest.raises(VoteDataError) as caught:
        VoteTable.from_records(roll_calls=[(1, 50, date(1995, 1, 1))], votes=[(1, "USA", "maybe")])

    assert str(caught.value) == "vote 'maybe' of USA on roll call 1 is not yes, abstain or no"


# --- the published agreement scores -----------------------------------------------------


def _reference_data() -> Path:
    root = os.environ.get("SIDELINE_REFERENCE_DATA")
    if not root:
        pytest.skip("SIDELINE_REFERENCE_DATA is not set; point it at the reference data folder")
    return Path(root)


@pytest.fixture(scope="module")
def unvotes() -> VoteTable:
    return load_unvotes(_reference_data() / "unvotes")


def _eu_members(root: Path) -> dict[str, tuple[date, date | None]]:
    with (root / "eu-membership" / "eums_member_states.csv").open(newline="") as handle:
        return {
            row["iso_alpha_3_code"]: (
                date.fromisoformat(row["accession_date"]),
                None if row["exit_date"] in ("", "NA") else date.fromisoformat(row["exit_date"]),
            )
            for row in csv.DictReader(handle)
        }


@pytest.mark.slow
def test_alignment_matches_published_agreement_scores(unvotes: VoteTable) -> None:
    published: dict[tuple[str, int, str], float] = {}
    path = _reference_data() / "unga-idealpoints" / "IdealpointestimatesAll_Jun2024.csv"
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if 50 <= int(row["session"]) <= 74:
                for pillar, column in (
                    ("us", "USAgree"),
                    ("russia", "RUSSAgree"),
                    ("china", "ChinaAgree"),
                ):
                    if row[column] not in ("", "NA"):
                        published[(row["iso3c"], int(row["session"]), pillar)] = float(row[column])
    ours = {
        (r.state, r.session, r.pillar): r.agreement
        for r in alignment_rows(unvotes, pillars=("us", "russia", "china"))
    }
    keys = sorted(published.keys() & ours.keys())
    a = np.array([ours[k] for k in keys])
    b = np.array([published[k] for k in keys])

    assert len(keys) == 14106
    assert float(np.corrcoef(a, b)[0, 1]) >= 0.97
    assert float(np.abs(a - b).mean()) <= 0.04


@pytest.mark.slow
def test_alignment_eu_of_member_is_high(unvotes: VoteTable) -> None:
    eu = _eu_members(_reference_data())

    france = state_alignment(unvotes, "FRA", pillars=("eu",), eu_members=eu, sessions=(60, 74))
    kazakhstan = state_alignment(unvotes, "KAZ", eu_members=eu, sessions=(60, 74))

    assert min(france["eu"].values()) >= 0.8
    assert sorted(kazakhstan) == ["china", "eu", "russia", "us"]
    assert np.mean(list(kazakhstan["russia"].values())) > np.mean(list(kazakhstan["us"].values()))
