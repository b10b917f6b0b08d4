"""Reading Voeten's roll-call files in the ``unvotes`` layout into a vote table."""

from __future__ import annotations

from pathlib import Path

import pytest

from sideline.analysis.errors import VoteDataError
from sideline.analysis.unvotes import iso3_from_unvotes_code, load_unvotes


def test_iso3_from_unvotes_code_defunct_and_unknown() -> None:
    assert iso3_from_unvotes_code("CS") == "CSK"
    assert iso3_from_unvotes_code("", country="Yemen Arab Republic") == "YEM"
    with pytest.raises(VoteDataError) as caught:
        iso3_from_unvotes_code("QQ")
    assert caught.value.code == "invalid_vote_data"


def test_load_unvotes_small_files_and_progress(tmp_path: Path) -> None:
    (tmp_path / "roll_calls.csv").write_text(
        "rcid,session,importantvote,date,unres,amend,para,short,descr\n"
        '7,50,0,1995-10-01,R/50/1,0,0,X,"A, B"\n'
        "8,50,0,1995-10-02,R/50/2,0,0,Y,C\n"
    )
    (tmp_path / "unvotes.csv").write_text(
        "rcid,country,country_code,vote\n"
        "7,United States,US,yes\n7,Kazakhstan,KZ,no\n8,United States,US,no\n"
        "8,Federal Republic of Germany,,abstain\n"
    )
    calls: list[tuple[int, int]] = []

    table = load_unvotes(tmp_path, progress=lambda done, total: calls.append((done, total)))

    assert table.states == ("DEU", "KAZ", "USA")
    assert table.votes.tolist() == [[0, 3, 1], [2, 0, 3]]
    assert table.rcids.tolist() == [7, 8]
    assert calls == [(4, 4)]


def test_load_unvotes_bad_vote_names_line(tmp_path: Path) -> None:
    (tmp_path / "roll_calls.csv").write_text("rcid,session,date\n7,50,1995-10-01\n")
    (tmp_path / "unvotes.csv").write_text("rcid,country,country_code,vote\n7,X,US,perhaps\n")

    with pytest.raises(VoteDataError) as caught:
        load_unvotes(tmp_path)

    assert str(caught.value) == (
        "unvotes.csv line 2: unknown roll call or vote in '7,X,US,perhaps'"
    )


def test_load_unvotes_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(VoteDataError) as caught:
        load_unvotes(tmp_path / "nowhere")

    assert caught.value.message.endswith("roll_calls.csv is missing")
