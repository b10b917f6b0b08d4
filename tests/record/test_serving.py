"""Serving the record: /record/logs, checkpoints, tlog-tiles, the JSON proofs and the pages."""

from __future__ import annotations

import base64

import pytest
from django.test import Client

from sideline.record.audit import audit_log
from sideline.record.checkpoint import open_checkpoint, parse_cosigner_key
from sideline.record.merkle import hash_leaf, verify_consistency, verify_inclusion
from sideline.record.models import Log
from sideline.record.note import parse_verifier_key
from sideline.record.services import NewEntry, append_entries, append_entry, witness_round
from sideline.record.tiles import parse_entry_bundle, parse_tile

pytestmark = pytest.mark.usefixtures("minimal_registry")


def _fill(count: int) -> None:
    append_entry(organization="csto", kind="meeting.created", subject="meeting/0")
    items = [NewEntry(kind="meeting.created", subject=f"meeting/{i}") for i in range(count)]
    append_entries(organization="nato", entries=items)
    witness_round()


class _ClientReader:
    def __init__(self, client: Client, prefix: str) -> None:
        self.client, self.prefix = client, prefix

    def read_checkpoint(self) -> bytes:
        return self._get("checkpoint")

    def read_tile(self, path: str) -> bytes:
        return self._get(path)

    def _get(self, path: str) -> bytes:
        response = self.client.get(f"{self.prefix}/{path}")
        if response.status_code != 200:
            raise LookupError(f"{path}: {response.status_code}")
        return response.content


def test_logs_json_lists_slug_origin_path_and_keys(client: Client) -> None:
    _fill(1)

    body = client.get("/record/logs").json()

    assert [(x["organization"], x["origin"], x["path"]) for x in body] == [
        ("csto", "sideline.example/record/csto", "/record/csto"),
        ("nato", "sideline.example/record/nato", "/record/nato"),
    ]
    nato = body[1]
    assert parse_verifier_key(nato["log_key"]).name == "sideline.example/record/nato"
    assert (
        parse_verifier_key(nato["organization_key"]).name == "sideline.example/record/nato/entries"
    )
    assert parse_cosigner_key(nato["witness_key"]).name == "sideline.example/record/nato/witness"
    assert nato["log_keys"] == [nato["log_key"]]


def test_checkpoint_is_signed_by_the_log_and_cosigned(client: Client) -> None:
    _fill(3)
    keys = {x["organization"]: x for x in client.get("/record/logs").json()}

    response = client.get("/record/nato/checkpoint")

    signed = open_checkpoint(
        response.content, log_verifiers=[parse_verifier_key(keys["nato"]["log_key"])]
    )
    assert (signed.checkpoint.origin, signed.checkpoint.size) == ("sideline.example/record/nato", 3)
    assert [s.name for s in signed.note.signatures] == [
        "sideline.example/record/nato",
        "sideline.example/record/csto/witness",
    ]
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_checkpoint_of_unknown_log_is_404(client: Client) -> None:
    assert client.get("/record/warsaw-pact/checkpoint").status_code == 404


def test_tiles_full_and_partial_are_immutable(client: Client) -> None:
    _fill(257)

    full = client.get("/record/nato/tile/0/000")
    partial = client.get("/record/nato/tile/0/001.p/1")
    upper = client.get("/record/nato/tile/1/000.p/1")

    assert (full.status_code, len(full.content)) == (200, 256 * 32)
    assert full["Cache-Control"] == "public, max-age=31536000, immutable"
    assert (partial.status_code, len(partial.content)) == (200, 32)
    assert partial["Cache-Control"] == "public, max-age=31536000, immutable"
    log = Log.objects.get(organization__slug="nato")
    first_256 = [
        bytes(h) for h in log.entries.order_by("index")[:256].values_list("leaf_hash", flat=True)
    ]
    assert parse_tile(full.content, width=256) == first_256
    assert upper.status_code == 200
    assert len(upper.content) == 32


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("tile/0/001", 404),  # full tile beyond 257 entries
        ("tile/0/001.p/2", 404),  # wider than the tree
        ("tile/2/000.p/1", 404),  # no level 2 yet
        ("tile/entries/002.p/1", 404),
        ("tile/0/1", 400),
        ("tile/0/000.p/256", 400),
        ("tile/x/000", 400),
    ],
)
def test_tiles_beyond_the_tree_or_malformed(client: Client, path: str, status: int) -> None:
    _fill(257)

    assert client.get(f"/record/nato/{path}").status_code == status


def test_entry_bundle_holds_the_signed_leaves(client: Client) -> None:
    _fill(3)

    response = client.get("/record/nato/tile/entries/000.p/3")

    leaves = parse_entry_bundle(response.content, width=3)
    log = Log.objects.get(organization__slug="nato")
    assert leaves == [
        bytes(x) for x in log.entries.order_by("index").values_list("leaf", flat=True)
    ]


def test_whole_log_audits_over_http(client: Client) -> None:
    _fill(300)
    keys = {x["organization"]: x for x in client.get("/record/logs").json()}

    report = audit_log(
        _ClientReader(client, "/record/nato"),
        log_keys=[parse_verifier_key(keys["nato"]["log_key"])],
        witness_keys=[parse_cosigner_key(keys["csto"]["witness_key"])],
        quorum=1,
        entry_keys=keys["nato"]["organization_keys"],
        organization="nato",
    )

    assert (report.ok, report.code, report.tree_size, report.signatures_checked) == (
        True,
        "ok",
        300,
        300,
    )


def test_api_entry_returns_leaf_and_hash(client: Client) -> None:
    _fill(2)

    body = client.get("/api/record/nato/entries/1").json()

    assert (body["organization"], body["index"], body["subject"]) == ("nato", 1, "meeting/1")
    assert base64.b64decode(body["leaf_hash"]) == hash_leaf(body["leaf"].encode())


def test_api_inclusion_proof_verifies(client: Client) -> None:
    _fill(5)
    log = Log.objects.get(organization__slug="nato")

    body = client.get("/api/record/nato/proof/inclusion?index=3&size=5").json()

    result = verify_inclusion(
        3,
        size=5,
        leaf_hash=base64.b64decode(body["leaf_hash"]),
        proof=[base64.b64decode(p) for p in body["proof"]],
        root=bytes(log.root_hash),
    )
    assert (bool(result), body["size"]) == (True, 5)


def test_api_consistency_proof_verifies(client: Client) -> None:
    append_entry(organization="nato", kind="meeting.created", subject="meeting/0")
    first = Log.objects.get(organization__slug="nato")
    old_root = bytes(first.root_hash)
    for i in range(6):
        append_entry(organization="nato", kind="meeting.created", subject=f"meeting/{i}")
    log = Log.objects.get(organization__slug="nato")

    body = client.get("/api/record/nato/proof/consistency?from=1&to=7").json()

    result = verify_consistency(
        1,
        7,
        old_root=old_root,
        new_root=bytes(log.root_hash),
        proof=[base64.b64decode(p) for p in body["proof"]],
    )
    assert bool(result) is True


@pytest.mark.parametrize(
    ("url", "status", "code", "message"),
    [
        (
            "/api/record/warsaw-pact/entries/0",
            404,
            "unknown_log",
            "no log for 'warsaw-pact' on this node",
        ),
        ("/api/record/nato/entries/9", 404, "unknown_entry", "index: 9 is not in 0..2"),
        (
            "/api/record/nato/proof/inclusion?index=3",
            400,
            "index_out_of_range",
            "index: 3 is not in 0..2",
        ),
        (
            "/api/record/nato/proof/inclusion?index=0&size=4",
            400,
            "size_out_of_range",
            "size: 4 is not in 0..3, the log's size",
        ),
        (
            "/api/record/nato/proof/consistency?from=3&to=2",
            400,
            "bad_size_order",
            "from: 3 is larger than to: 2",
        ),
        (
            "/api/record/nato/proof/consistency?from=-1",
            400,
            "size_out_of_range",
            "from: -1 is not in 0..3, the log's size",
        ),
        ("/api/record/nato/proof/inclusion?index=x", 422, "invalid_request", None),
    ],
)
def test_api_bad_input_gets_json_error(
    client: Client, url: str, status: int, code: str, message: str | None
) -> None:
    _fill(3)

    response = client.get(url)

    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code
    if message is not None:
        assert error["message"] == message


def test_log_pages_list_logs_and_recent_entries(client: Client) -> None:
    _fill(2)

    listing = client.get("/record/")
    detail = client.get("/record/nato/")

    assert listing.status_code == 200
    assert b"sideline.example/record/nato" in listing.content
    assert detail.status_code == 200
    assert b"meeting/1" in detail.content
    assert b"sideline.example/record/csto/witness" in detail.content
    assert b"fork-alert" not in detail.content


def test_log_page_in_russian_is_translated_where_catalogued(client: Client) -> None:
    _fill(1)

    response = client.get("/record/nato/", HTTP_ACCEPT_LANGUAGE="ru")

    assert response.status_code == 200
