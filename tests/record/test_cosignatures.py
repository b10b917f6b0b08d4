"""``POST /record/<org>/cosignatures``: a known witness's valid lines are stored; a line
from an unknown key, a bad signature, or a checkpoint never issued is refused whole."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client

from sideline.record.checkpoint import Checkpoint, Cosigner, parse_checkpoint_text
from sideline.record.models import Cosignature, LogCheckpoint, Peer, Replica
from sideline.record.note import parse_note
from sideline.record.services import append_entry, checkpoint_log

WITNESS = "b.example/record/eu/witness"


@pytest.fixture
def checkpoint(minimal_registry: object) -> LogCheckpoint:
    """NATO's checkpoint of size 2; CSTO has no log, so the quorum here is 0."""
    for i in range(2):
        append_entry(organization="nato", kind="meeting.created", subject=f"meeting/{i}")
    return checkpoint_log(organization="nato")


@pytest.fixture
def peer_witness(checkpoint: LogCheckpoint) -> Cosigner:
    """A witness of organization ``eu`` on another node, pinned by a first sync."""
    cosigner = Cosigner(WITNESS, Ed25519PrivateKey.generate())
    peer = Peer.objects.create(url="http://b.example")
    Replica.objects.create(
        peer=peer,
        organization="eu",
        origin="b.example/record/eu",
        root_hash=b"\x00" * 32,
        witness_keys=[cosigner.verifier().vkey()],
    )
    return cosigner


def _line(cosigner: Cosigner, note: bytes) -> str:
    body = parse_checkpoint_text(parse_note(note).text)
    return cosigner.cosign(body, timestamp=1_700_000_000).line()


def _post(client: Client, body: bytes) -> tuple[int, str]:
    response = client.post("/record/nato/cosignatures", body, content_type="text/plain")
    return response.status_code, response.content.decode()


def test_push_from_a_pinned_witness_is_stored_once(
    client: Client, checkpoint: LogCheckpoint, peer_witness: Cosigner
) -> None:
    note = bytes(checkpoint.note)
    body = note + _line(peer_witness, note).encode()

    first = _post(client, body)
    again = _post(client, body)

    assert (first, again) == ((200, "stored 1\n"), (200, "stored 0\n"))
    assert list(Cosignature.objects.values_list("checkpoint", "witness")) == [
        (checkpoint.pk, WITNESS)
    ]
    served = client.get("/record/nato/checkpoint").content
    assert served == body


def _flipped(line: str) -> str:
    name, _, encoded = line.rstrip("\n").rpartition(" ")
    raw = bytearray(base64.b64decode(encoded))
    raw[-1] ^= 0x01
    return f"{name} {base64.b64encode(bytes(raw)).decode()}\n"


@pytest.mark.parametrize(
    ("case", "status", "start"),
    [
        ("unknown_key", 403, "unknown_witness_key: 'c.example/record/eu/witness'"),
        ("bad_signature", 403, f"bad_cosignature: the cosignature of {WITNESS!r}"),
        ("valid_and_unknown", 403, "unknown_witness_key: 'c.example/record/eu/witness'"),
        ("never_issued", 404, "unknown_checkpoint: sideline.example/record/nato never issued"),
        ("no_lines", 400, "no_cosignatures: the note carries no cosignature line"),
        ("not_a_note", 400, "bad_request: not a signed note"),
    ],
)
def test_push_refused_stores_nothing(
    client: Client,
    checkpoint: LogCheckpoint,
    peer_witness: Cosigner,
    case: str,
    status: int,
    start: str,
) -> None:
    note = bytes(checkpoint.note)
    stranger = Cosigner("c.example/record/eu/witness", Ed25519PrivateKey.generate())
    good = _line(peer_witness, note)
    other = Checkpoint(checkpoint.log.origin, 7, b"\x01" * 32)
    bodies = {
        "unknown_key": note + _line(stranger, note).encode(),
        "bad_signature": note + _flipped(good).encode(),
        "valid_and_unknown": note + (good + _line(stranger, note)).encode(),
        "never_issued": (other.text() + "\n").encode()
        + peer_witness.cosign(other, timestamp=1_700_000_000).line().encode(),
        "no_lines": note,
        "not_a_note": b"hello\n",
    }

    answer = _post(client, bodies[case])

    assert answer[0] == status
    assert answer[1].startswith(start), answer[1]
    assert Cosignature.objects.count() == 0
