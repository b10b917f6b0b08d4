"""Importing UN General Assembly roll calls: compact storage, one transaction, the CLI pair."""

from __future__ import annotations

import argparse
from io import StringIO
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.management.base import CommandError

from sideline.analysis.cli import add_import_unvotes_parser, handle_import_unvotes
from sideline.analysis.errors import (
    DateOutOfRangeError,
    EmptyPeriodError,
    UnknownStateError,
    VoteDataError,
)
from sideline.analysis.models import RollCall, VoteDataset
from sideline.analysis.selectors import vote_dataset, vote_table, voting_report
from sideline.analysis.services import import_unvotes
from sideline.analysis.unvotes import load_unvotes
from tests.analysis.unvotes_factory import VOTES, write_unvotes
from tests.conftest import reference_data


def test_import_unvotes_stores_one_row_per_roll_call(db: None, tmp_path: Path) -> None:
    summary = import_unvotes(write_unvotes(tmp_path / "votes"))

    assert str(summary) == "3 roll calls, 11 votes of 4 states, sessions 49 to 50"
    dataset = VoteDataset.objects.get()
    assert dataset.states == "CHN KAZ RUS USA"
    assert (dataset.first_session, dataset.last_session) == (49, 50)
    assert list(RollCall.objects.values_list("rcid", "session", "votes")) == [
        (10, 49, "3111"),
        (11, 49, "0213"),
        (20, 50, "1113"),
    ]


def test_vote_table_from_database_equals_core_reading(db: None, tmp_path: Path) -> None:
    directory = write_unvotes(tmp_path / "votes")
    import_unvotes(directory)
    dataset = vote_dataset()
    assert dataset is not None

    table = vote_table(dataset)
    expected = load_unvotes(directory)

    assert table.states == expected.states
    assert table.rcids.tolist() == expected.rcids.tolist()
    assert table.sessions.tolist() == expected.sessions.tolist()
    assert table.dates.tolist() == expected.dates.tolist()
    assert np.array_equal(table.votes, expected.votes)


def test_vote_table_query_count_one(
    db: None, tmp_path: Path, django_assert_num_queries: Any
) -> None:
    import_unvotes(write_unvotes(tmp_path / "votes"))
    dataset = vote_dataset()
    assert dataset is not None

    with django_assert_num_queries(1):
        vote_table(dataset)


def test_import_unvotes_again_replaces_previous(db: None, tmp_path: Path) -> None:
    import_unvotes(write_unvotes(tmp_path / "first"))
    import_unvotes(write_unvotes(tmp_path / "second", votes=VOTES.split("11,")[0]))

    dataset = VoteDataset.objects.get()
    assert dataset.source == str(tmp_path / "second")
    assert RollCall.objects.count() == 3
    assert dataset.vote_count == 4


def test_import_unvotes_bad_file_keeps_previous(db: None, tmp_path: Path) -> None:
    import_unvotes(write_unvotes(tmp_path / "good"))
    bad = write_unvotes(tmp_path / "bad", votes=VOTES + "99,Nowhere,US,yes\n")

    with pytest.raises(VoteDataError) as caught:
        import_unvotes(bad)

    assert caught.value.code == "invalid_vote_data"
    assert (
        str(caught.value) == "unvotes.csv line 13: unknown roll call or vote in '99,Nowhere,US,yes'"
    )
    assert VoteDataset.objects.get().source == str(tmp_path / "good")


def test_voting_report_agreement_by_session(minimal_registry: Path, tmp_path: Path) -> None:
    import_unvotes(write_unvotes(tmp_path / "votes"))
    dataset = vote_dataset()
    assert dataset is not None

    report = voting_report(dataset=dataset, state="KAZ")

    # The minimal registry has no EU, so there is no EU reference.
    assert report.pillars == ("us", "russia", "china")
    assert report.rows() == [
        {"session": 49, "year": 1994, "us": 0.5, "russia": 0.5, "china": 0.0},
        {"session": 50, "year": 1995, "us": 0.0, "russia": 1.0, "china": 1.0},
    ]


def test_voting_report_years_select_sessions(minimal_registry: Path, tmp_path: Path) -> None:
    import_unvotes(write_unvotes(tmp_path / "votes"))
    dataset = vote_dataset()
    assert dataset is not None

    report = voting_report(dataset=dataset, state="KAZ", start=1995, end=1995)

    assert report.sessions == (50,)


@pytest.mark.parametrize(
    ("state", "start", "end", "error", "message"),
    [
        ("XXX", None, None, UnknownStateError, "state 'XXX' has no votes in the table"),
        ("KAZ", 1995, 1994, EmptyPeriodError, "from 1995 is after to 1994"),
        (
            "KAZ",
            1990,
            1995,
            DateOutOfRangeError,
            "from 1990 is outside the vote data (1994 to 1995)",
        ),
    ],
)
def test_voting_report_mistakes(
    db: None,
    tmp_path: Path,
    state: str,
    start: int | None,
    end: int | None,
    error: type[Exception],
    message: str,
) -> None:
    import_unvotes(write_unvotes(tmp_path / "votes"))
    dataset = vote_dataset()
    assert dataset is not None

    with pytest.raises(error) as caught:
        voting_report(dataset=dataset, state=state, start=start, end=end)

    assert str(caught.value) == message


def _run_cli(*argv: str) -> tuple[str, str]:
    parser = argparse.ArgumentParser(prog="sideline data")
    add_import_unvotes_parser(parser.add_subparsers(dest="action"))
    options = vars(parser.parse_args(argv))
    out, err = StringIO(), StringIO()
    handle_import_unvotes(options, out, err)
    return out.getvalue(), err.getvalue()


def test_cli_import_unvotes_progress_and_summary(db: None, tmp_path: Path) -> None:
    out, err = _run_cli("import-unvotes", str(write_unvotes(tmp_path / "votes")))

    assert out == "imported 3 roll calls, 11 votes of 4 states, sessions 49 to 50\n"
    assert "reading votes" in err
    assert "100%" in err


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda tmp: tmp / "missing",
            "{tmp}/missing is not a folder; give the folder that holds roll_calls.csv and unvotes.csv",
        ),
        (
            lambda tmp: (tmp / "empty").mkdir() or tmp / "empty",
            "{tmp}/empty/roll_calls.csv is missing; nothing was imported",
        ),
    ],
)
def test_cli_import_unvotes_mistake_exit_2(
    db: None, tmp_path: Path, make: Any, message: str
) -> None:
    with pytest.raises(CommandError) as caught:
        _run_cli("import-unvotes", str(make(tmp_path)))

    assert str(caught.value) == message.format(tmp=tmp_path)
    assert caught.value.returncode == 2
    assert VoteDataset.objects.count() == 0


@pytest.mark.slow
def test_import_unvotes_reference_data_loads_every_vote(db: None) -> None:
    directory = reference_data() / "unvotes"

    summary = import_unvotes(directory)

    assert str(summary) == "6203 roll calls, 870109 votes of 198 states, sessions 1 to 74"
    dataset = vote_dataset()
    assert dataset is not None
    report = voting_report(dataset=dataset, state="KAZ", start=1992, end=2019)
    assert report.sessions[0] == 47
    assert report.sessions[-1] == 74
