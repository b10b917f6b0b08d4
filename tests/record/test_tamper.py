"""Tampering with stored rows is caught: the log served from the database fails the
audit with the exact index and reason, and verify_entry refuses the entry."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from sideline.record.audit import AuditReport, audit_log
from sideline.record.checkpoint import parse_cosigner_key
from sideline.record.models import LogCheckpoint, RecordEntry
from sideline.record.note import parse_verifier_key
from sideline.record.selectors import verify_entry
from sideline.record.services import NewEntry, append_entries, append_entry, witness_round

pytestmark = pytest.mark.usefixtures("minimal_registry")


def _flip(data: bytes, position: int) -> bytes:
    changed = bytearray(data)
    changed[position] ^= 0x01
    return bytes(changed)


def _audit() -> AuditReport:
    client = Client(raise_request_exception=False)
    keys = {x["organization"]: x for x in client.get("/record/logs").json()}

    class Reader:
        def read_checkpoint(self) -> bytes:
            return self.read_tile("checkpoint")

        def read_tile(self, path: str) -> bytes:
            response = client.get(f"/record/nato/{path}")
            if response.status_code != 200:
                raise LookupError(f"{path}: HTTP {response.status_code}")
            return bytes(response.content)

    return audit_log(
        Reader(),
        log_keys=[parse_verifier_key(k) for k in keys["nato"]["log_keys"]],
        witness_keys=[parse_cosigner_key(keys["csto"]["witness_key"])],
        quorum=1,
        entry_keys=keys["nato"]["organization_keys"],
        organization="nato",
        workers=1,
    )


@pytest.fixture
def log_of_300(minimal_registry: object) -> None:
    append_entry(organization="csto", kind="meeting.created", subject="meeting/0")
    items = [NewEntry(kind="meeting.created", subject=f"meeting/{i}") for i in range(300)]
    append_entries(organization="nato", entries=items)
    witness_round()


def _entry(index: int) -> RecordEntry:
    return RecordEntry.objects.get(log__organization__slug="nato", index=index)


def _flip_leaf(index: int) -> None:
    row = _entry(index)
    RecordEntry.objects.filter(pk=row.pk).update(leaf=_flip(bytes(row.leaf), 40))


def _flip_leaf_hash(index: int) -> None:
    row = _entry(index)
    RecordEntry.objects.filter(pk=row.pk).update(leaf_hash=_flip(bytes(row.leaf_hash), 0))


def _flip_checkpoint() -> None:
    checkpoint = LogCheckpoint.objects.get(log__organization__slug="nato")
    LogCheckpoint.objects.filter(pk=checkpoint.pk).update(note=_flip(bytes(checkpoint.note), 45))


def _delete(index: int) -> None:
    _entry(index).delete()


def _swap(first: int, second: int) -> None:
    a, b = _entry(first), _entry(second)
    RecordEntry.objects.filter(pk=a.pk).update(leaf=b.leaf, leaf_hash=b.leaf_hash)
    RecordEntry.objects.filter(pk=b.pk).update(leaf=a.leaf, leaf_hash=a.leaf_hash)


@pytest.mark.usefixtures("log_of_300")
def test_untouched_log_audits_ok() -> None:
    report = _audit()

    assert (report.ok, report.code, report.entries_checked) == (True, "ok", 300)


@pytest.mark.usefixtures("log_of_300")
@pytest.mark.parametrize(
    ("tamper", "code", "index"),
    [
        (lambda: _flip_leaf(5), "tile_mismatch", 5),
        (lambda: _flip_leaf_hash(7), "tile_mismatch", 7),
        (lambda: _flip_leaf(299), "tile_mismatch", 299),
        (lambda: _swap(3, 4), "tile_mismatch", 0),
        (lambda: _delete(10), "truncated", 0),
        (_flip_checkpoint, "bad_checkpoint_signature", None),
    ],
    ids=[
        "flip-leaf",
        "flip-leaf-hash",
        "flip-last-leaf",
        "swap-rows",
        "delete-row",
        "flip-checkpoint",
    ],
)
def test_tampered_store_fails_audit_at_exact_index(
    tamper: Callable[[], None], code: str, index: int | None
) -> None:
    tamper()

    report = _audit()

    assert (report.ok, report.code, report.first_bad_index) == (False, code, index)


@pytest.mark.usefixtures("log_of_300")
def test_verify_entry_refuses_a_flipped_leaf() -> None:
    _flip_leaf(5)

    check = verify_entry(_entry(5))

    assert (check.ok, check.code) == (False, "leaf_hash_mismatch")


@pytest.mark.usefixtures("log_of_300")
def test_verify_entry_refuses_an_entry_whose_neighbour_was_changed() -> None:
    _flip_leaf_hash(4)

    check = verify_entry(_entry(5))

    assert (check.ok, check.code, check.checkpoint_size) == (False, "root_mismatch", 300)
