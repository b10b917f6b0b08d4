"""A confidential meeting on the record: nothing of it reaches a public URL.

The leak scan plants a canary string in every field of a non-public meeting, runs every
action on it, then reads every public URL (record pages and logs, checkpoints, every
tile and entry bundle, every entry through the API, meeting lists, dashboard, CSV,
feeds, calendars, search) as an anonymous visitor and as a member of an organization
that does not take part, and looks for each canary in clear, hex and base64, and for
the unsalted SHA-256 of every confidential text.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.test import Client, override_settings

from sideline.accounts.services import create_token
from sideline.federation.canonical import canonical_bytes
from sideline.federation.ops import encode_op
from sideline.meetings.models import Commitment, Decision, Meeting
from sideline.meetings.selectors import record_entries
from sideline.meetings.services import (
    accept_invitation,
    add_participant,
    agree_minutes,
    approve_delegate,
    circulate_minutes,
    close_commitment,
    create_meeting,
    edit_decision,
    invite_delegate,
    lock_minutes,
    make_commitment,
    propose_decision,
    respond_to_decision,
    save_minutes,
    set_agenda,
    update_progress,
    upload_document,
    withdraw_decision,
)
from sideline.oplog import reduce_node
from sideline.record.models import Log, RecordEntry
from sideline.record.selectors import entries_for_subject
from sideline.record.services import anchor_logs, witness_round
from sideline.record.tiles import entry_bundles_for_size, tiles_for_size
from tests.meetings.conftest import ORGS, Cast

# One canary per field; "qzv" keeps them from occurring by chance.
FIELDS = (
    "title",
    "location",
    "planreq",
    "agendaone",
    "agendatwo",
    "delegatename",
    "delegatemail",
    "doctitle",
    "docfile",
    "doccontent",
    "minutesdraft",
    "minutesfinal",
    "decisiontitle",
    "decisiontext",
    "editedtitle",
    "editedtext",
    "objection",
    "positionwithdrawal",
    "secondtitle",
    "secondtext",
    "withdrawal",
    "description",
    "target",
    "milestoneone",
    "milestonetwo",
    "subdescription",
    "subtarget",
    "progressnote",
    "milestonenote",
    "evidencehost",
    "evidencepath",
    "closure",
    "donedescription",
    "donetarget",
)
C = {field: f"qzv{field}canary" for field in FIELDS}


@dataclass
class Confidential:
    meeting: Meeting
    decision: Decision
    withdrawn: Decision
    commitment: Commitment
    document_uid: str
    first_public_index: dict[str, int]


def _every_action(cast: Cast) -> Confidential:
    """Run every meeting action once on a non-public meeting full of canaries."""
    before = {log.slug: log.size for log in Log.objects.select_related("organization")}
    nato, csto, osce = (cast.of(org, "delegate") for org in ORGS)
    meeting = create_meeting(
        actor=nato,
        title=C["title"],
        host="nato",
        cohost="csto",
        participants=[],
        date=date(2013, 9, 25),
        location=C["location"],
        planner_request=C["planreq"],
    )
    add_participant(actor=nato, meeting=meeting, organization="osce")
    set_agenda(actor=nato, meeting=meeting, items=[C["agendaone"], C["agendatwo"]])
    secrets: list[str] = []
    delegate = invite_delegate(
        actor=cast.of("osce", "signatory"),
        meeting=meeting,
        name=C["delegatename"],
        email=f"{C['delegatemail']}@example.org",
        accept_url=lambda secret: secrets.append(secret) or f"https://node.example/i/{secret}",
    )
    accept_invitation(secret=secrets[0], username="qzvinvitee", password="a-long-passphrase-1")
    approve_delegate(actor=cast.of("osce", "signatory"), delegate=delegate)
    document = upload_document(
        actor=csto,
        meeting=meeting,
        title=C["doctitle"],
        filename=f"{C['docfile']}.txt",
        content=C["doccontent"].encode(),
    )
    save_minutes(actor=nato, meeting=meeting, text=C["minutesdraft"])
    save_minutes(actor=csto, meeting=meeting, text=C["minutesfinal"])
    circulate_minutes(actor=nato, meeting=meeting)
    for org in ORGS:
        agree_minutes(actor=cast.of(org, "signatory"), meeting=meeting)
    lock_minutes(actor=nato, meeting=meeting)
    decision = propose_decision(
        actor=osce, meeting=meeting, title=C["decisiontitle"], text=C["decisiontext"]
    )
    decision = edit_decision(
        actor=osce, decision=decision, title=C["editedtitle"], text=C["editedtext"]
    )
    csto_signatory = cast.of("csto", "signatory")
    respond_to_decision(
        actor=csto_signatory, decision=decision, position="object", reason=C["objection"]
    )
    respond_to_decision(
        actor=csto_signatory,
        decision=decision,
        position="withdraw",
        reason=C["positionwithdrawal"],
    )
    for org in ORGS:
        decision = respond_to_decision(
            actor=cast.of(org, "signatory"), decision=decision, position="approve"
        )
    withdrawn = propose_decision(
        actor=nato, meeting=meeting, title=C["secondtitle"], text=C["secondtext"]
    )
    withdraw_decision(actor=nato, decision=withdrawn, reason=C["withdrawal"])
    commitment = make_commitment(
        actor=osce,
        decision=decision,
        owner="osce",
        description=C["description"],
        target=C["target"],
        due_date=date(2014, 6, 30),
        milestones=[(C["milestoneone"], date(2014, 1, 31)), (C["milestonetwo"], None)],
    )
    make_commitment(
        actor=osce,
        decision=decision,
        owner="osce",
        description=C["subdescription"],
        target=C["subtarget"],
        due_date=date(2014, 3, 31),
        parent=commitment,
    )
    update_progress(
        actor=osce,
        commitment=commitment,
        percent=30,
        note=C["progressnote"],
        evidence_url=f"https://{C['evidencehost']}.example/{C['evidencepath']}",
    )
    update_progress(
        actor=osce,
        commitment=commitment,
        milestone=commitment.milestones.get(title=C["milestoneone"]).pk,
        note=C["milestonenote"],
    )
    close_commitment(
        actor=cast.of("osce", "signatory"),
        commitment=commitment,
        closed_as="dropped",
        reason=C["closure"],
    )
    done = make_commitment(
        actor=nato,
        decision=decision,
        owner="nato",
        description=C["donedescription"],
        target=C["donetarget"],
        due_date=date(2014, 6, 30),
    )
    close_commitment(actor=nato, commitment=done, closed_as="done")
    witness_round()
    for org in ORGS:
        anchor_logs(organization=org)
    witness_round()
    return Confidential(meeting, decision, withdrawn, commitment, document.uid, before)


@pytest.fixture
def confidential(cast: Cast) -> Confidential:
    return _every_action(cast)


def _public_urls(world: Confidential) -> list[str]:
    urls = ["/", "/record/", "/record/logs", "/api/record/logs"]
    for log in Log.objects.select_related("organization"):
        org = log.slug
        urls += [f"/record/{org}/", f"/record/{org}/checkpoint"]
        refs = tiles_for_size(log.size) + entry_bundles_for_size(log.size)
        urls += [f"/record/{org}/{ref.path}" for ref in refs]
        urls += [f"/api/record/{org}/entries/{i}" for i in range(log.size)]
        urls += [f"/api/record/{org}/proof/inclusion?index={i}" for i in range(log.size)]
        urls += [f"/api/record/{org}/proof/consistency?from=1"]
    urls += ["/meetings/", "/meetings/dashboard/", "/meetings/dashboard/?format=csv"]
    # The search page echoes its query: ask for a part of the title, not all of it.
    urls += ["/search/?q=qzvtitle", "/planner/feeds/all.ics", "/api/meetings/"]
    urls += ["/api/meetings/dashboard"]
    for org in (*ORGS, "sco"):
        urls += [
            f"/meetings/dashboard/?organization={org}",
            f"/meetings/dashboard/?organization={org}&format=csv",
            f"/meetings/feeds/{org}.atom",
            f"/meetings/calendars/{org}.ics",
            f"/api/meetings/dashboard?organization={org}",
        ]
    pk = world.meeting.pk
    # Not public: each must answer 404 like a meeting that does not exist.
    urls += [
        f"/meetings/{pk}/",
        f"/meetings/decisions/{world.decision.pk}/",
        f"/meetings/decisions/{world.withdrawn.pk}/",
        f"/meetings/commitments/{world.commitment.pk}/",
        f"/meetings/documents/{world.document_uid}/",
        f"/api/meetings/{pk}",
        f"/api/meetings/{pk}/decisions",
        f"/api/meetings/{pk}/commitments",
        f"/api/meetings/{pk}/agenda",
        f"/api/meetings/{pk}/minutes",
        f"/api/meetings/{pk}/documents",
        f"/api/meetings/{pk}/delegations",
        f"/api/meetings/documents/{world.document_uid}",
    ]
    # The reads across meetings: its series and the stories of its decisions and commitment.
    key = "+".join(
        sorted(world.meeting.participations.values_list("organization__slug", flat=True))
    )
    for suffix in ("/", ".json"):
        urls += [
            f"/meetings/series/organizations/{key}{suffix}",
            f"/meetings/story/decision/{world.decision.pk}{suffix}",
            f"/meetings/story/decision/{world.withdrawn.pk}{suffix}",
            f"/meetings/story/commitment/{world.commitment.pk}{suffix}",
        ]
    urls += [
        f"/api/meetings/series/organizations/{key}",
        f"/api/meetings/story/decision/{world.decision.pk}",
        f"/api/meetings/story/commitment/{world.commitment.pk}",
    ]
    return urls


def _secret_texts(world: Confidential) -> list[bytes]:
    """Every confidential text as an outsider might hash it: field values, the sealed ops
    and their contents."""
    texts = [value.encode() for value in C.values()]
    texts.append("\n".join([C["agendaone"], C["agendatwo"]]).encode())
    for op in reduce_node()[1].sealed_ops.values():
        texts.append(encode_op(op))
        if op.clear is not None:
            texts.append(canonical_bytes(dict(op.clear)))
    return texts


def _encodings(text: bytes) -> Iterator[bytes]:
    """``text`` in clear, hex and base64 at each of the three byte alignments."""
    yield text
    yield text.hex().encode()
    yield text.hex().upper().encode()
    for pad in range(3):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            encoded = encode(b"\x00" * pad + text)
            # Drop the characters that depend on the neighbouring bytes.
            yield encoded[4 if pad else 0 : -4]


def _needles(world: Confidential) -> dict[bytes, str]:
    needles: dict[bytes, str] = {}
    for field, value in C.items():
        for form in _encodings(value.encode()):
            needles[form.lower()] = field
    for text in _secret_texts(world):
        digest = hashlib.sha256(text).digest()
        for form in (digest.hex().encode(), base64.b64encode(digest).rstrip(b"=")):
            needles[form.lower()] = f"sha256 of {text[:40]!r}"
    return needles


def _scan(client: Client, urls: list[str], needles: dict[bytes, str], **extra: Any) -> list[str]:
    found = []
    for url in urls:
        response = client.get(url, **extra)
        body = (
            b"".join(response.streaming_content)  # type: ignore[arg-type]  # file responses
            if response.streaming
            else response.content
        ).lower()
        found += [f"{url}: {what}" for needle, what in needles.items() if needle in body]
    return found


def test_leak_scan_anonymous_finds_no_canary(confidential: Confidential) -> None:
    urls = _public_urls(confidential)

    found = _scan(Client(), urls, _needles(confidential))

    assert found == []


def test_leak_scan_member_of_a_non_participant_finds_no_canary(
    cast: Cast, confidential: Confidential
) -> None:
    outsider = cast.of("sco", "signatory")
    client = Client()
    client.force_login(outsider)
    _token, plain = create_token(user=outsider, name="scan")
    urls = _public_urls(confidential)
    needles = _needles(confidential)

    found = _scan(client, urls, needles) + _scan(
        Client(), urls, needles, HTTP_AUTHORIZATION=f"Bearer {plain}"
    )

    assert found == []


def test_leak_scan_private_pages_answer_404_to_outsiders(
    cast: Cast, confidential: Confidential
) -> None:
    client = Client()
    client.force_login(cast.of("sco", "signatory"))
    private = [url for url in _public_urls(confidential) if str(confidential.meeting.pk) in url]

    statuses = {url: client.get(url).status_code for url in private if "meetings" in url}

    assert set(statuses.values()) == {404}


def test_every_entry_of_the_confidential_meeting_is_only_a_confidential_change(
    confidential: Confidential,
) -> None:
    new = [
        entry
        for entry in RecordEntry.objects.select_related("log__organization")
        if entry.index >= confidential.first_public_index.get(entry.log.slug, 0)
    ]
    meeting_entries = [e for e in new if e.kind != "record.anchored"]
    leaves = b"".join(bytes(e.leaf) for e in new)

    assert {e.kind for e in meeting_entries} == {"op.sealed"}
    assert len({e.subject for e in meeting_entries}) == len(meeting_entries)
    for word in (b"meeting", b"decision", b"commitment", b"delegat", b"minutes", b"nato/m-"):
        assert word not in leaves
    # The plaintext's length shows only to within 512 bytes (plus the AEAD tag).
    payloads = [json.loads(bytes(e.leaf).split(b"\n")[1])["payload"] for e in meeting_entries]
    sizes = {len(base64.urlsafe_b64decode(p["args"]["payload"] + "==")) for p in payloads}
    assert {(size - 16) % 512 for size in sizes} == {0}


def test_confidential_ops_read_by_participants_nodes_only(confidential: Confidential) -> None:
    ops, participant = reduce_node()
    with override_settings(SIDELINE_ORGANIZATIONS=("sco",)):
        _, outsider = reduce_node()

    kinds = sorted(op.kind for op in participant.sealed_ops.values())
    assert len(kinds) == 31  # one per action of _every_action, and one reshare
    assert kinds.count("decision.respond") == 5
    assert outsider.sealed_ops == {}
    assert outsider.confidential.meetings == {}
    assert outsider.digest() == participant.digest()
    assert {v.status for v in participant.inner} == {"applied"}
    # Whole canaries: ops carry base64 ciphertext, where three letters such as "qzv" do
    # turn up by chance (it failed CI once); a whole canary never does.
    canaries = [c.encode() for c in C.values()] + [b"qzvinvitee"]
    assert [o for o in ops.entries if any(c in o.data for c in canaries)] == []


def test_confidential_entries_verify_for_participants(confidential: Confidential) -> None:
    entries = record_entries(confidential.meeting.subject)

    assert {check.code for _, check, _ in entries} == {"ok"}
    assert {kind for _, _, kind in entries} == {
        "meeting.create",
        "meeting.add_participant",
        "meeting.reshare",
        "agenda.set",
        "delegation.name",
        "delegation.accept",
        "delegation.approve",
        "document.add",
        "minutes.draft",
        "minutes.circulate",
        "minutes.agree",
        "minutes.lock",
    }


def test_participant_meeting_page_shows_the_sealed_entries_verified(
    cast: Cast, confidential: Confidential
) -> None:
    client = Client()
    client.force_login(cast.of("osce", "viewer"))

    page = client.get(f"/meetings/{confidential.meeting.pk}/").content.decode()

    assert "minutes.lock" in page
    assert "sealed: the public log shows only a confidential change" in page
    assert "✗" not in page


def test_public_meeting_entries_stay_in_clear(cast: Cast) -> None:
    meeting = create_meeting(
        actor=cast.of("nato", "delegate"),
        title="Open border talks",
        host="nato",
        participants=["osce"],
        date=date(2013, 9, 25),
        public=True,
    )
    set_agenda(actor=cast.of("nato", "delegate"), meeting=meeting, items=["Opening"])

    entries = [
        Client().get(f"/api/record/nato/entries/{e.index}").json()
        for e in entries_for_subject(meeting.subject)
    ]

    assert [(e["kind"], e["subject"]) for e in entries] == [
        ("op.meeting.create", meeting.subject),
        ("op.agenda.set", meeting.subject),
    ]
    assert '"title":"Open border talks"' in entries[0]["leaf"]
    assert '"items":["Opening"]' in entries[1]["leaf"]


def test_public_meeting_delegate_named_is_sealed(cast: Cast) -> None:
    meeting = create_meeting(
        actor=cast.of("nato", "delegate"),
        title="Open border talks",
        host="nato",
        participants=["osce"],
        date=date(2013, 9, 25),
        public=True,
    )

    invite_delegate(
        actor=cast.of("osce", "signatory"),
        meeting=meeting,
        name="Qzv Person",
        email="qzv.person@example.org",
        accept_url=lambda secret: f"https://node.example/i/{secret}",
    )

    entry = RecordEntry.objects.get(log__organization__slug="osce")
    assert entry.kind == "op.delegation.name"
    # Whole strings: the leaf holds base64, where "qzv" alone can occur by chance.
    leaf = bytes(entry.leaf).lower()
    assert b"qzv person" not in leaf
    assert b"qzv.person@example.org" not in leaf
    assert b'"sealed":{"sha256":' in bytes(entry.leaf)
