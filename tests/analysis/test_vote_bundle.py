"""The compact copy of the UN votes: faithful to the full data, refused when damaged, and
imported by ``sideline init`` so that the voting analysis works out of the box."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import numpy as np
import pytest
from django.test import Client

from sideline.analysis.errors import VoteDataError
from sideline.analysis.models import VoteDataset
from sideline.analysis.services import import_bundled_unvotes
from sideline.analysis.unvotes import load_unvotes
from sideline.analysis.vote_bundle import BUNDLED_VOTES, read_vote_bundle, write_vote_bundle
from tests.conftest import reference_data


def test_bundle_holds_exactly_the_reference_votes() -> None:
    full = load_unvotes(reference_data() / "unvotes")
    bundled = read_vote_bundle()

    assert bundled.states == full.states
    assert np.array_equal(bundled.rcids, full.rcids)
    assert np.array_equal(bundled.sessions, full.sessions)
    assert np.array_equal(bundled.dates, full.dates)
    assert np.array_equal(bundled.votes, full.votes)


def test_bundle_is_rewritten_byte_for_byte() -> None:
    buffer = io.BytesIO()
    document = json.loads(gzip.decompress(BUNDLED_VOTES.read_bytes()))

    write_vote_bundle(read_vote_bundle(), buffer, source=document["source"])

    assert buffer.getvalue() == BUNDLED_VOTES.read_bytes()
    assert BUNDLED_VOTES.stat().st_size < 400_000


def _bundle(document: object) -> io.BytesIO:
    return io.BytesIO(gzip.compress(json.dumps(document).encode(), mtime=0))


@pytest.mark.parametrize(
    "damaged",
    [
        io.BytesIO(b"not gzip"),
        _bundle([1, 2]),
        _bundle({"format": "other/1", "states": [], "roll_calls": []}),
        _bundle({"format": "sideline.unvotes/1", "states": ["USA"], "roll_calls": [[1, 1]]}),
        _bundle(
            {
                "format": "sideline.unvotes/1",
                "states": ["USA", "RUS"],
                "roll_calls": [[1, 1, "1946-01-01", "1"]],
            }
        ),
        _bundle(
            {
                "format": "sideline.unvotes/1",
                "states": ["USA"],
                "roll_calls": [[1, 1, "1946-01-01", "9"]],
            }
        ),
    ],
)
def test_damaged_bundle_is_refused(damaged: io.BytesIO) -> None:
    with pytest.raises(VoteDataError):
        read_vote_bundle(damaged)


def test_missing_bundle_says_to_reinstall(tmp_path: Path) -> None:
    with pytest.raises(VoteDataError, match="reinstall"):
        read_vote_bundle(tmp_path / "absent.json.gz")


def test_bundled_import_makes_the_voting_page_non_empty(client: Client, registry: None) -> None:
    summary = import_bundled_unvotes()

    assert summary is not None
    assert summary.roll_calls == 6203
    body = client.get("/analysis/voting/?state=KAZ&from=2010&to=2015").content.decode()
    assert "UN General Assembly votes of Kazakhstan" in body
    assert "<svg" in body
    api = client.get("/api/analysis/voting/UZB?from=2010&to=2015").json()
    assert [row["session"] for row in api["sessions"]] == [65, 66, 67, 68, 69, 70]


def test_bundled_import_keeps_an_existing_data_set(registry: None) -> None:
    import_bundled_unvotes()
    first = VoteDataset.objects.get().pk

    assert import_bundled_unvotes() is None
    assert VoteDataset.objects.get().pk == first
