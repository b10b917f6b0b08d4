"""A node signs and writes only for the organizations it hosts (issue 12, item 1)."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from sideline.record.models import KeyPurpose, Log, LogCheckpoint, LogKey, RecordEntry
from sideline.record.services import (
    RecordServiceError,
    add_checkpoint,
    append_entry,
    checkpoint_log,
    ensure_log,
    receive_cosignatures,
    rotate_key,
    witness_round,
)

pytestmark = pytest.mark.usefixtures("registry")

NATO_ONLY = override_settings(SIDELINE_ORGANIZATIONS=("nato",))


def test_nato_node_makes_keys_for_nato_only() -> None:
    with NATO_ONLY:
        ensure_log(organization="nato")
        with pytest.raises(RecordServiceError) as caught:
            ensure_log(organization="csto")

    assert caught.value.code == "not_hosted"
    assert list(Log.objects.values_list("organization__slug", flat=True)) == ["nato"]
    assert sorted(LogKey.objects.values_list("purpose", flat=True)) == sorted(KeyPurpose.values)


def test_nato_node_operator_cannot_append_as_csto() -> None:
    # CSTO's log exists here from the days this node hosted everyone; its keys too.
    append_entry(organization="csto", kind="meeting.created", subject="meeting/1")

    with NATO_ONLY, pytest.raises(RecordServiceError) as caught:
        append_entry(organization="csto", kind="decision.approved", subject="decision/1")

    assert caught.value.code == "not_hosted"
    assert caught.value.message == (
        "this node does not host 'csto' (it hosts nato), so it cannot sign for it or write "
        "its log; that is done on the node that holds csto's keys"
    )
    assert Log.objects.get(organization__slug="csto").size == 1
    assert RecordEntry.objects.filter(log__organization__slug="csto").count() == 1


@pytest.mark.parametrize(
    "write",
    [
        lambda: checkpoint_log(organization="csto"),
        lambda: rotate_key(organization="csto", purpose=KeyPurpose.ENTRY),
        lambda: rotate_key(organization="csto", purpose=KeyPurpose.ENCRYPTION),
    ],
    ids=["checkpoint", "rotate-entry-key", "rotate-encryption-key"],
)
def test_nato_node_refuses_every_signing_write_for_csto(write: object) -> None:
    append_entry(organization="csto", kind="meeting.created", subject="meeting/1")
    keys_before = LogKey.objects.filter(log__organization__slug="csto").count()

    with NATO_ONLY, pytest.raises(RecordServiceError) as caught:
        write()  # type: ignore[operator]  # each parameter is a callable

    assert caught.value.code == "not_hosted"
    assert not LogCheckpoint.objects.filter(log__organization__slug="csto").exists()
    assert LogKey.objects.filter(log__organization__slug="csto").count() == keys_before


def test_nato_node_does_not_witness_as_csto() -> None:
    append_entry(organization="csto", kind="meeting.created", subject="meeting/1")
    append_entry(organization="nato", kind="meeting.created", subject="meeting/2")
    checkpoint = checkpoint_log(organization="nato")

    with NATO_ONLY:
        witnessed = add_checkpoint(witness="csto", body=b"old 0\n\n" + bytes(checkpoint.note))
        pushed = receive_cosignatures(organization="csto", body=bytes(checkpoint.note))
        round_ = witness_round()

    assert (witnessed.status, witnessed.code) == (404, "unknown_witness")
    assert (pushed.status, pushed.code) == (404, "unknown_log")
    # Only NATO's log is checkpointed, and nobody hosted here may cosign it.
    assert (round_.checkpoints, round_.cosigned) == (1, 0)
    assert not LogCheckpoint.objects.filter(log__organization__slug="csto").exists()


def test_default_node_signs_for_every_organization_as_before() -> None:
    append_entry(organization="nato", kind="meeting.created", subject="meeting/1")
    append_entry(organization="csto", kind="meeting.created", subject="meeting/1")

    result = witness_round()

    assert (result.checkpoints, result.cosigned) == (2, 2)
    assert sorted(result.accepted) == ["csto", "nato"]


def test_record_checkpoint_all_covers_hosted_logs_only(client: Client) -> None:
    from django.core.management import call_command

    append_entry(organization="csto", kind="meeting.created", subject="meeting/1")
    append_entry(organization="nato", kind="meeting.created", subject="meeting/1")

    with NATO_ONLY:
        call_command("record", "checkpoint", "--all")

    assert list(LogCheckpoint.objects.values_list("log__organization__slug", flat=True)) == ["nato"]
