"""tlog-witness add-checkpoint over HTTP, and acceptance once a quorum has cosigned."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.test import Client

from sideline.record.checkpoint import Checkpoint
from sideline.record.merkle import EMPTY_ROOT
from sideline.record.models import Log, LogCheckpoint, WitnessState
from sideline.record.note import generate_signer_key, parse_signer_key, sign_note
from sideline.record.selectors import quorum_for
from sideline.record.services import (
    append_entry,
    checkpoint_log,
    cosign_checkpoint,
    request_body,
)


def _post(client: Client, witness: str, body: bytes) -> Any:
    return client.post(f"/record/{witness}/add-checkpoint", data=body, content_type="text/plain")


def _nato_checkpoint(entries: int) -> LogCheckpoint:
    append_entry(organization="csto", kind="meeting.created", subject="meeting/0")
    for i in range(entries):
        append_entry(organization="nato", kind="meeting.created", subject=f"meeting/{i}")
    return checkpoint_log(organization="nato")


@pytest.mark.usefixtures("minimal_registry")
def test_add_checkpoint_from_zero_cosigns_and_stores_state(client: Client) -> None:
    checkpoint = _nato_checkpoint(3)
    body = request_body(log=checkpoint.log, checkpoint=checkpoint, old_size=0)

    response = _post(client, "csto", body)

    assert response.status_code == 200
    assert response.content.startswith("— sideline.example/record/csto/witness ".encode())
    state = WitnessState.objects.get(witness__organization__slug="csto")
    assert (state.origin, state.size) == ("sideline.example/record/nato", 3)
    checkpoint.refresh_from_db()
    assert checkpoint.accepted is True


@pytest.mark.usefixtures("minimal_registry")
def test_add_checkpoint_wrong_old_size_is_409_with_stored_size(client: Client) -> None:
    checkpoint = _nato_checkpoint(3)
    assert (
        _post(
            client, "csto", request_body(log=checkpoint.log, checkpoint=checkpoint, old_size=0)
        ).status_code
        == 200
    )

    response = _post(
        client, "csto", request_body(log=checkpoint.log, checkpoint=checkpoint, old_size=1)
    )

    assert (response.status_code, response.content) == (409, b"3\n")
    assert response["Content-Type"] == "text/x.tlog.size"


@pytest.mark.usefixtures("minimal_registry")
def test_add_checkpoint_consistent_growth_is_accepted(client: Client) -> None:
    first = _nato_checkpoint(3)
    _post(client, "csto", request_body(log=first.log, checkpoint=first, old_size=0))
    append_entry(organization="nato", kind="meeting.created", subject="meeting/9")
    second = checkpoint_log(organization="nato")

    response = _post(client, "csto", request_body(log=second.log, checkpoint=second, old_size=3))

    assert response.status_code == 200
    assert WitnessState.objects.get(witness__organization__slug="csto").size == 4


@pytest.mark.usefixtures("minimal_registry")
def test_add_checkpoint_bad_proof_is_422(client: Client) -> None:
    first = _nato_checkpoint(3)
    _post(client, "csto", request_body(log=first.log, checkpoint=first, old_size=0))
    append_entry(organization="nato", kind="meeting.created", subject="meeting/9")
    second = checkpoint_log(organization="nato")
    bogus = base64.b64encode(b"\x01" * 32).decode()
    body = f"old 3\n{bogus}\n{bogus}\n\n".encode() + bytes(second.note)

    response = _post(client, "csto", body)

    assert (response.status_code, response.content) == (
        422,
        b"the consistency proof fails: proof_wrong_length\n",
    )
    assert WitnessState.objects.get(witness__organization__slug="csto").size == 3


@pytest.mark.usefixtures("minimal_registry")
def test_add_checkpoint_not_signed_by_the_log_is_403(client: Client) -> None:
    checkpoint = _nato_checkpoint(1)
    impostor, _ = generate_signer_key("sideline.example/record/nato")
    text = Checkpoint("sideline.example/record/nato", 1, bytes(checkpoint.root_hash)).text()
    note = sign_note(text, signers=[parse_signer_key(impostor)])

    response = _post(client, "csto", b"old 0\n\n" + note)

    assert response.status_code == 403


@pytest.mark.usefixtures("minimal_registry")
def test_add_checkpoint_unknown_origin_is_404(client: Client) -> None:
    _nato_checkpoint(0)
    skey, _ = generate_signer_key("elsewhere.example/log")
    note = sign_note(
        Checkpoint("elsewhere.example/log", 0, EMPTY_ROOT).text(), signers=[parse_signer_key(skey)]
    )

    response = _post(client, "csto", b"old 0\n\n" + note)

    assert (response.status_code, response.content) == (
        404,
        b"unknown log origin 'elsewhere.example/log'\n",
    )


@pytest.mark.usefixtures("minimal_registry")
def test_add_checkpoint_witness_does_not_cosign_its_own_log(client: Client) -> None:
    checkpoint = _nato_checkpoint(1)

    response = _post(
        client, "nato", request_body(log=checkpoint.log, checkpoint=checkpoint, old_size=0)
    )

    assert response.status_code == 404


@pytest.mark.usefixtures("minimal_registry")
def test_add_checkpoint_unknown_witness_is_404(client: Client) -> None:
    checkpoint = _nato_checkpoint(1)

    response = _post(
        client, "sco", request_body(log=checkpoint.log, checkpoint=checkpoint, old_size=0)
    )

    assert (response.status_code, response.content) == (404, b"no witness 'sco' here\n")


@pytest.mark.usefixtures("minimal_registry")
def test_add_checkpoint_malformed_body_is_400(client: Client) -> None:
    _nato_checkpoint(1)

    response = _post(client, "csto", b"hello\n\nworld\n")

    assert (response.status_code, response.content) == (
        400,
        b"the first line must be 'old <size>'\n",
    )


@pytest.mark.usefixtures("minimal_registry")
def test_add_checkpoint_get_is_405(client: Client) -> None:
    _nato_checkpoint(0)

    assert client.get("/record/csto/add-checkpoint").status_code == 405


@pytest.mark.usefixtures("registry")
def test_checkpoint_accepted_only_when_quorum_of_other_organizations_cosigned() -> None:
    for slug in ("nato", "csto", "sco", "eu"):
        append_entry(organization=slug, kind="meeting.created", subject="meeting/1")
    checkpoint = checkpoint_log(organization="nato")
    log = Log.objects.get(organization__slug="nato")

    assert quorum_for(log) == 2
    cosign_checkpoint(checkpoint=checkpoint, witness="csto")
    checkpoint.refresh_from_db()
    after_one = checkpoint.accepted
    cosign_checkpoint(checkpoint=checkpoint, witness="sco")
    checkpoint.refresh_from_db()

    assert (after_one, checkpoint.accepted, checkpoint.cosignatures.count()) == (False, True, 2)


@pytest.mark.usefixtures("minimal_registry")
def test_quorum_setting_overrides_the_majority(settings: Any) -> None:
    settings.RECORD_QUORUM = 2
    checkpoint = _nato_checkpoint(1)

    cosign_checkpoint(checkpoint=checkpoint, witness="csto")
    checkpoint.refresh_from_db()

    assert (checkpoint.cosignatures.count(), checkpoint.accepted) == (1, False)
