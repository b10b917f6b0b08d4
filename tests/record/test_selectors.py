"""Reads of the record: sealed entries found by their inner subject and checked against
the commitment their signed entry carries."""

from __future__ import annotations

import hashlib

import pytest

from sideline.record.models import RecordEntry, SealedEntry
from sideline.record.selectors import entries_for_subject, verify_entry
from sideline.record.services import append_entry, witness_round

pytestmark = pytest.mark.usefixtures("minimal_registry")


def _sealed(text: str = "words only the participants know") -> RecordEntry:
    return append_entry(
        organization="nato",
        kind="minutes.drafted",
        subject="meeting/7",
        payload={"text": text},
        confidential=True,
    )


def test_entries_for_subject_finds_a_sealed_entry_by_its_inner_subject() -> None:
    public = append_entry(organization="nato", kind="meeting.created", subject="meeting/7")
    sealed = _sealed()
    append_entry(organization="nato", kind="meeting.created", subject="meeting/8")

    found = [(e.index, e.kind) for e in entries_for_subject("meeting/7")]

    assert found == [(public.index, "meeting.created"), (sealed.index, "confidential")]
    assert entries_for_subject(sealed.subject).count() == 1


def test_verify_entry_of_a_sealed_entry_holds_after_witnessing() -> None:
    append_entry(organization="csto", kind="meeting.created", subject="meeting/0")
    row = _sealed()
    witness_round()

    check = verify_entry(row)

    assert (check.ok, check.code) == (True, "ok")


def test_verify_entry_stored_content_changed_is_a_seal_mismatch() -> None:
    row = _sealed()
    sealed = SealedEntry.objects.get(entry=row)
    sealed.content = bytes(sealed.content).replace(b"participants", b"outsiders")
    sealed.save()

    check = verify_entry(row)

    assert (check.ok, check.code, check.reason) == (
        False,
        "seal_mismatch",
        "the content stored here is not what the entry committed to",
    )


def test_verify_entry_key_changed_is_a_seal_mismatch() -> None:
    row = _sealed()
    SealedEntry.objects.filter(entry=row).update(key=bytes(32))

    assert verify_entry(row).code == "seal_mismatch"


def test_verify_entry_stored_kind_changed_is_an_inner_mismatch() -> None:
    row = _sealed()
    SealedEntry.objects.filter(entry=row).update(kind="minutes.published")

    check = verify_entry(row)

    assert (check.ok, check.code, check.reason) == (
        False,
        "inner_mismatch",
        "the stored entry differs from the signed one's",
    )


def test_verify_entry_seal_row_on_a_public_entry_is_not_sealed() -> None:
    row = append_entry(organization="nato", kind="meeting.created", subject="meeting/7")
    SealedEntry.objects.create(
        entry=row, kind="meeting.created", subject="meeting/7", content=b"x", key=bytes(32)
    )

    assert verify_entry(row).code == "not_sealed"


def test_sealed_entry_a_correct_guess_cannot_be_confirmed_from_the_log() -> None:
    text = "words only the participants know"
    row = _sealed(text)
    sealed = SealedEntry.objects.get(entry=row)
    leaf = bytes(row.leaf)
    # What an outsider could hash: the true text, the true inner entry, the true payload.
    guesses = [
        text.encode(),
        bytes(sealed.content),
        bytes(sealed.content).split(b"\n")[1],
        b'{"text":"' + text.encode() + b'"}',
    ]

    digests = [hashlib.sha256(guess).hexdigest().encode() for guess in guesses]
    assert [d for d in digests if d in leaf] == []
    assert text.encode() not in leaf
