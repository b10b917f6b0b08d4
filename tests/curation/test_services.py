"""Proposing, approving and rejecting corrections of the registry (curation/services.py)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from sideline.curation.errors import CurationError
from sideline.curation.services import (
    RECORD_KIND,
    approve_correction,
    propose_correction,
    reject_correction,
)
from sideline.record.models import RecordEntry
from sideline.registry.models import Correction, Membership, Source
from sideline.registry.package import BUNDLED_PACKAGE
from sideline.registry.services import load_package
from tests.accounts.factories import person
from tests.curation.conftest import UZBEKISTAN

CITATION = "https://en.odkb-csto.org/news/uzbekistan-2012"


def _uzbekistan() -> Membership:
    return Membership.objects.get(organization__slug="csto", state__code="UZB", start="2006-08-16")


def _propose_end(actor: Any, end: str = "2012-12-20", **changes: str) -> Correction:
    return propose_correction(
        actor,
        table="memberships",
        action="change",
        key=UZBEKISTAN,
        values={"status": "member", "start": "2006-08-16", "end": end, **changes},
        citation=CITATION,
        reason="The Council's decision took effect the next day.",
    )


def test_approve_correction_applies_it_keeps_a_version_and_records_it(alice: Any, bob: Any) -> None:
    correction = _propose_end(alice)
    assert _uzbekistan().end == "2012-12-19"

    approved = approve_correction(bob, correction_id=correction.pk, note="checked")

    membership = _uzbekistan()
    assert (membership.end, membership.source.key, membership.note[:30]) == (
        "2012-12-20",
        f"curation-{correction.pk}",
        "membership restored by the Col",
    )
    assert Source.objects.get(key=f"curation-{correction.pk}").url == CITATION
    assert (approved.status, approved.reviewed_by, approved.record_organization) == (
        "approved",
        bob,
        "un",
    )
    assert approved.before["end"] == "2012-12-19"
    assert approved.after["end"] == "2012-12-20"
    entry = RecordEntry.objects.get(log__organization__slug="un", index=approved.record_index)
    assert (entry.kind, entry.subject) == (RECORD_KIND, f"correction/{correction.pk}")


def test_approve_correction_refuses_own_proposal_when_two_curators_are_required(
    alice: Any,
) -> None:
    correction = _propose_end(alice)

    with pytest.raises(CurationError) as caught:
        approve_correction(alice, correction_id=correction.pk)

    assert (caught.value.code, caught.value.status) == ("own_proposal", 403)
    assert Correction.objects.get(pk=correction.pk).status == "proposed"
    assert _uzbekistan().end == "2012-12-19"


def test_approve_correction_allows_own_proposal_where_the_node_says_so(
    alice: Any, settings: Any
) -> None:
    settings.SIDELINE_CURATION_SELF_APPROVAL = True
    correction = _propose_end(alice)

    approve_correction(alice, correction_id=correction.pk)

    assert _uzbekistan().end == "2012-12-20"


@pytest.mark.parametrize("role", ["viewer", "delegate", "signatory", "coordinator", "guest"])
def test_propose_and_review_refuse_every_role_but_curator(alice: Any, role: str) -> None:
    organization = "csto" if role in {"viewer", "delegate", "signatory"} else None
    other = person(f"someone-{role}", organization=organization, role=role)
    pending = _propose_end(alice)

    for act in (
        lambda: _propose_end(other),
        lambda: approve_correction(other, correction_id=pending.pk),
        lambda: reject_correction(other, correction_id=pending.pk, note="no"),
    ):
        with pytest.raises(CurationError) as caught:
            act()
        assert (caught.value.code, caught.value.status) == ("not_curator", 403)
    assert Correction.objects.get().status == "proposed"


def test_propose_correction_refuses_the_anonymous(registry: None) -> None:
    with pytest.raises(CurationError) as caught:
        _propose_end(AnonymousUser())
    assert caught.value.code == "not_curator"


@pytest.mark.parametrize(
    ("values", "citation", "field", "message"),
    [
        ({}, "", "citation", "Give the source: an address (URL) or a citation."),
        (
            {},
            "https://exa mple",
            "citation",
            "This address is not a valid http(s) URL; correct it or write a citation.",
        ),
        (
            {},
            "a book",
            "citation",
            "A citation names the document and its date or number (for example: CSTO "
            "Collective Security Council decision, 19 December 2012).",
        ),
        ({"end": "2005-01-01"}, CITATION, "end", "The end must be after the start."),
        (
            {"end": "2012-12"[:4] + "-13"},
            CITATION,
            "end",
            "Write a real date as YYYY, YYYY-MM or YYYY-MM-DD.",
        ),
        (
            {"status": "overlord"},
            CITATION,
            "status",
            "'overlord' is not one of: member, "
            "observer, partner, dialogue_partner, associate, suspended",
        ),
        (
            {"start": "1999-01-01"},
            CITATION,
            "start",
            "This period overlaps another of the same participant with the same status; "
            "end the earlier one or correct that one instead.",
        ),
    ],
)
def test_propose_correction_refuses_bad_input_on_its_field(
    alice: Any, values: dict[str, str], citation: str, field: str, message: str
) -> None:
    with pytest.raises(CurationError) as caught:
        propose_correction(
            alice,
            table="memberships",
            action="change",
            key=UZBEKISTAN,
            values={"status": "member", "start": "2006-08-16", "end": "2012-12-19", **values},
            citation=citation,
            reason="a reason",
        )

    # A defect elsewhere that the change causes (a suspension left outside any
    # membership) is reported for the whole form, never on another field.
    assert caught.value.field_errors[field] == [message]
    assert set(caught.value.field_errors) <= {field, "__all__"}
    assert not Correction.objects.exists()


def test_propose_correction_refuses_an_unknown_state_in_an_addition(alice: Any) -> None:
    with pytest.raises(CurationError) as caught:
        propose_correction(
            alice,
            table="memberships",
            action="add",
            key={},
            values={"organization": "csto", "state": "XYZ", "status": "observer", "start": "2020"},
            citation=CITATION,
            reason="a reason",
        )
    assert caught.value.field_errors == {
        "state": ["This is not an ISO 3166-1 alpha-3 code of a state (for example UZB)."]
    }
    assert not Correction.objects.exists()


def test_reject_correction_needs_a_reason_and_leaves_the_registry(alice: Any, bob: Any) -> None:
    correction = _propose_end(alice)

    with pytest.raises(CurationError) as caught:
        reject_correction(bob, correction_id=correction.pk, note=" ")
    assert caught.value.field_errors == {"note": ["Say why the correction is rejected."]}

    rejected = reject_correction(bob, correction_id=correction.pk, note="The source says 19.")
    assert (rejected.status, rejected.review_note) == ("rejected", "The source says 19.")
    assert _uzbekistan().end == "2012-12-19"
    with pytest.raises(CurationError) as again:
        approve_correction(bob, correction_id=correction.pk)
    assert (again.value.code, again.value.status) == ("already_reviewed", 409)


def test_approve_correction_refuses_a_fact_changed_since_the_proposal(alice: Any, bob: Any) -> None:
    first = _propose_end(alice)
    second = _propose_end(alice, end="2012-12-21")
    approve_correction(bob, correction_id=second.pk)

    with pytest.raises(CurationError) as caught:
        approve_correction(bob, correction_id=first.pk)

    assert (caught.value.code, caught.value.status) == ("stale_correction", 409)
    assert _uzbekistan().end == "2012-12-21"
    assert Correction.objects.get(pk=first.pk).status == "proposed"


def test_load_package_keeps_an_approved_correction_and_reports_no_change(
    alice: Any, bob: Any
) -> None:
    approve_correction(bob, correction_id=_propose_end(alice).pk)

    summary = load_package()

    assert _uzbekistan().end == "2012-12-20"
    assert summary.conflicts == []
    assert summary.report() == ["no change"]


def _package_with_end(tmp_path: Path, end: str) -> Path:
    directory = tmp_path / "package"
    shutil.copytree(BUNDLED_PACKAGE, directory)
    path = directory / "memberships.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if (row["organization"], row["state"], row["start"]) == ("csto", "UZB", "2006-08-16"):
            row["end"] = end
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return directory


def test_load_package_reports_a_newer_bundled_fact_and_keeps_the_curated_one(
    alice: Any, bob: Any, tmp_path: Path
) -> None:
    correction = approve_correction(bob, correction_id=_propose_end(alice).pk)

    summary = load_package(_package_with_end(tmp_path, "2013-01-01"))

    assert _uzbekistan().end == "2012-12-20"
    assert [str(c) for c in summary.conflicts] == [
        f"memberships csto UZB 2006-08-16: the bundled data says end='2013-01-01', "
        f"source='csto-uzbekistan-2012'; kept correction {correction.pk}"
    ]


def test_load_package_dry_run_reports_changes_and_writes_nothing(
    registry: None, tmp_path: Path
) -> None:
    summary = load_package(_package_with_end(tmp_path, "2013-01-01"), dry_run=True)

    assert summary.report() == ["memberships: 0 added, 1 changed, 0 removed"]
    assert _uzbekistan().end == "2012-12-19"


def test_two_curators_approving_at_once_apply_it_once(
    concurrently: Any, live_registry: None
) -> None:
    alice = person("alice", organization=None, role="curator")
    bob = person("bob", organization=None, role="curator")
    carol = person("carol", organization=None, role="curator")
    correction = _propose_end(alice)

    results = concurrently(
        lambda: approve_correction(bob, correction_id=correction.pk),
        lambda: approve_correction(carol, correction_id=correction.pk),
    )

    refused = [r for r in results if isinstance(r, CurationError)]
    assert [r.code for r in refused] == ["already_reviewed"]
    assert RecordEntry.objects.filter(kind=RECORD_KIND).count() == 1
    assert _uzbekistan().end == "2012-12-20"
