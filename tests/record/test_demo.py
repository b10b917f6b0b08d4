"""The record's demo step: every demo log ends accepted at its size, every entry proven."""

from __future__ import annotations

import pytest
from django.utils import translation

from sideline.record.demo import seed
from sideline.record.models import Cosignature, Log, LogCheckpoint, RecordEntry
from sideline.record.selectors import latest_accepted_checkpoint, verify_entry


def _state() -> tuple[list[tuple[str, int]], int, int, int]:
    logs = [(log.slug, log.size) for log in Log.objects.select_related("organization")]
    return (
        logs,
        RecordEntry.objects.count(),
        LogCheckpoint.objects.count(),
        Cosignature.objects.count(),
    )


@pytest.mark.usefixtures("minimal_registry")
def test_seed_accepts_every_log_at_its_size_and_proves_every_entry() -> None:
    said: list[str] = []

    # English messages whatever language an earlier test on this worker left active.
    with translation.override("en"):
        seed(say=said.append)

    logs = list(Log.objects.select_related("organization"))
    assert [log.slug for log in logs] == ["csto", "nato"]
    for log in logs:
        accepted = latest_accepted_checkpoint(log)
        assert accepted is not None
        assert accepted.size == log.size
    checks = [verify_entry(entry) for entry in RecordEntry.objects.order_by("log", "index")]
    assert [(c.ok, c.code) for c in checks] == [(True, "ok")] * RecordEntry.objects.count()
    # Each log: "record.opened", then one anchor of the other log's accepted checkpoint.
    assert sorted(RecordEntry.objects.values_list("kind", flat=True)) == [
        "record.anchored",
        "record.anchored",
        "record.opened",
        "record.opened",
    ]
    assert said == ["record: 2 logs checkpointed, 2 cosignatures, 2 accepted"]


@pytest.mark.usefixtures("minimal_registry")
def test_seed_twice_writes_nothing_the_second_time() -> None:
    seed(say=lambda _: None)
    before = _state()
    said: list[str] = []

    with translation.override("en"):
        seed(say=said.append)

    assert _state() == before
    assert said == ["record: every log already has an accepted checkpoint"]
