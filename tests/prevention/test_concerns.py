"""Concerns: who may raise, read, endorse, close and place them, and what reaches the record."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client, override_settings

from sideline.meetings.services import create_meeting, propose_decision
from sideline.planner.models import MeetingRequest
from sideline.prevention.concern_projection import rebuild_concerns
from sideline.prevention.models import Concern
from sideline.prevention.selectors import (
    consultation_outcome,
    suggest_for_concern,
    visible_concerns,
)
from sideline.prevention.services import (
    ConcernError,
    close_concern,
    endorse_concern,
    place_consultation,
    raise_concern,
)
from sideline.record.entry import parse_entry_text
from sideline.record.models import RecordEntry
from tests.accounts.factories import PASSWORD, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(registry: None) -> dict[str, Any]:
    found = {}
    for org in ("osce", "sco", "csto", "nato"):
        for role in ("viewer", "delegate", "signatory"):
            found[f"{org}-{role}"] = person(f"{org}-{role}", organization=org, role=role)
    found["coordinator"] = person("coord", organization=None, role="coordinator")
    return found


def border(actor: Any, *, public: bool = False, **extra: Any) -> Concern:
    return raise_concern(
        actor=actor,
        organization="osce",
        state="KGZ",
        other_state="TJK",
        title="Troops massing at the Batken border",
        text="Both sides moved heavy weapons to the enclave of Vorukh this week.",
        severity=3,
        sources=["https://example.org/report-1", "field report of 2022-09-12"],
        concerned=["sco", "csto"],
        public=public,
        **extra,
    )


def test_a_delegate_raises_a_public_concern_on_the_organization_s_log(
    people: dict[str, Any],
) -> None:
    concern = border(people["osce-delegate"], public=True)

    entry = RecordEntry.objects.get(log__organization__slug="osce", index=concern.record_index)
    op = parse_entry_text(bytes(entry.leaf).decode().split("\n\n", 1)[0] + "\n").payload
    assert op is not None
    assert (entry.kind, entry.subject) == ("op.concern.raise", concern.op_id)
    assert str(concern.op_id).startswith("osce/k-")
    assert op["role"] == "delegate"
    assert op["args"] == {
        "concerned": ["csto", "sco"],
        "other_state": "TJK",
        "public": True,
        "severity": 3,
        "state": "KGZ",
    }
    assert b"Vorukh" in bytes(entry.leaf)
    assert sorted(o.slug for o in concern.concerned.all()) == ["csto", "osce", "sco"]


def test_a_confidential_concern_is_sealed(people: dict[str, Any]) -> None:
    concern = border(people["osce-signatory"])

    entry = RecordEntry.objects.get(log__organization__slug="osce", index=concern.record_index)
    assert entry.kind == "op.sealed"
    assert entry.subject != concern.op_id
    assert b"Vorukh" not in bytes(entry.leaf)
    assert b"KGZ" not in bytes(entry.leaf)


@pytest.mark.parametrize("role", ["viewer"])
def test_a_viewer_may_not_raise(people: dict[str, Any], role: str) -> None:
    with pytest.raises(ConcernError) as caught:
        border(people[f"osce-{role}"])

    assert (caught.value.code, caught.value.status) == ("not_your_organization", 403)
    assert not Concern.objects.exists()


def test_nobody_raises_for_another_organization(people: dict[str, Any]) -> None:
    with pytest.raises(ConcernError) as caught:
        border(people["sco-delegate"])

    assert caught.value.code == "not_your_organization"
    assert not RecordEntry.objects.filter(kind="concern.raised").exists()


@override_settings(SIDELINE_ORGANIZATIONS=("nato",))
def test_the_node_writes_only_for_organizations_it_hosts(people: dict[str, Any]) -> None:
    with pytest.raises(ConcernError) as caught:
        border(people["osce-delegate"])

    assert (caught.value.code, caught.value.status) == ("not_hosted", 403)
    assert not Concern.objects.exists()


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"state": "XXX"}, "unknown_state", "state"),
        ({"other_state": "KGZ"}, "same_state", "other_state"),
        ({"title": "  "}, "required", "title"),
        ({"text": "x" * 20_001}, "too_long", "text"),
        ({"severity": 9}, "invalid_severity", "severity"),
        ({"sources": ["s"] * 21}, "too_many_sources", "sources"),
        ({"concerned": ["nowhere"]}, "unknown_organization", "concerned"),
        ({"title": "bell\x07"}, "control_character", "title"),
    ],
)
def test_bad_values_are_refused_on_their_field(
    people: dict[str, Any], change: dict[str, Any], code: str, field: str
) -> None:
    values: dict[str, Any] = {
        "organization": "osce",
        "state": "KGZ",
        "other_state": "TJK",
        "title": "t",
        "text": "x",
        "severity": 2,
        "sources": [],
        "concerned": ["sco"],
    }
    values.update(change)

    with pytest.raises(ConcernError) as caught:
        raise_concern(actor=people["osce-delegate"], **values)

    assert (caught.value.code, caught.value.field) == (code, field)
    assert not Concern.objects.exists()


def test_confidential_concerns_are_read_by_the_organizations_concerned_only(
    people: dict[str, Any], client: Client
) -> None:
    concern = border(people["osce-delegate"])

    assert list(visible_concerns(people["sco-viewer"])) == [concern]
    assert list(visible_concerns(people["nato-signatory"])) == []
    assert list(visible_concerns(None)) == []
    assert client.get(f"/prevention/concerns/{concern.pk}/").status_code == 404
    assert "Vorukh" not in client.get("/prevention/concerns/").content.decode()
    assert client.get(f"/api/prevention/concerns/{concern.pk}").status_code == 404
    client.login(username="nato-signatory", password=PASSWORD)
    assert client.get(f"/prevention/concerns/{concern.pk}/").status_code == 404
    client.login(username="sco-viewer", password=PASSWORD)
    assert "Vorukh" in client.get(f"/prevention/concerns/{concern.pk}/").content.decode()


def test_endorsement_by_another_organization_goes_on_its_own_log(people: dict[str, Any]) -> None:
    concern = border(people["osce-delegate"], public=True)

    endorsement = endorse_concern(
        actor=people["nato-delegate"], concern=concern, organization="nato", note="We see it too."
    )

    entry = RecordEntry.objects.get(log__organization__slug="nato", index=endorsement.record_index)
    assert (entry.kind, entry.subject) == ("op.concern.endorse", concern.op_id)


@pytest.mark.parametrize(
    ("who", "organization", "code"),
    [
        ("osce-delegate", "osce", "own_concern"),
        ("sco-viewer", "sco", "not_your_organization"),
        ("sco-delegate", "csto", "not_your_organization"),
        ("nato-delegate", "nato", "not_visible"),  # confidential, NATO not concerned
    ],
)
def test_endorsement_refusals(
    people: dict[str, Any], who: str, organization: str, code: str
) -> None:
    concern = border(people["osce-delegate"])

    with pytest.raises(ConcernError) as caught:
        endorse_concern(actor=people[who], concern=concern, organization=organization)

    assert caught.value.code == code


def test_an_organization_endorses_once(people: dict[str, Any]) -> None:
    concern = border(people["osce-delegate"])
    endorse_concern(actor=people["sco-delegate"], concern=concern, organization="sco")

    with pytest.raises(ConcernError) as caught:
        endorse_concern(actor=people["sco-signatory"], concern=concern, organization="sco")

    assert (caught.value.code, caught.value.status) == ("already_endorsed", 409)


def test_only_the_raising_organization_closes(people: dict[str, Any]) -> None:
    concern = border(people["osce-delegate"])

    with pytest.raises(ConcernError):
        close_concern(actor=people["sco-delegate"], concern=concern)
    close_concern(actor=people["osce-signatory"], concern=concern)

    assert Concern.objects.get().status == "closed"
    with pytest.raises(ConcernError) as caught:
        endorse_concern(actor=people["sco-delegate"], concern=concern, organization="sco")
    assert caught.value.code == "closed"


def test_suggestion_keeps_the_organizations_the_states_belong_to(people: dict[str, Any]) -> None:
    concern = border(people["osce-delegate"])  # concerned: OSCE, SCO, CSTO

    suggestion = suggest_for_concern(concern, day=date(2022, 10, 1))

    assert suggestion is not None
    assert (suggestion.organizations, suggestion.priority) == (("csto", "osce", "sco"), 75)


def test_no_suggestion_with_fewer_than_two_member_organizations(people: dict[str, Any]) -> None:
    concern = raise_concern(
        actor=people["nato-delegate"],
        organization="nato",
        state="KGZ",
        title="t",
        text="x",
        severity=1,
        concerned=["eu"],
    )

    assert suggest_for_concern(concern, day=date(2022, 10, 1)) is None


def test_from_concern_to_meeting_decision_and_outcome(people: dict[str, Any]) -> None:
    concern = border(people["osce-delegate"], public=True)

    with pytest.raises(ConcernError) as refused:
        place_consultation(
            actor=people["osce-signatory"],
            concern=concern,
            organizations=["osce", "sco"],
            priority=75,
        )
    placed = place_consultation(
        actor=people["coordinator"],
        concern=concern,
        organizations=["osce", "sco", "csto"],
        priority=75,
        year=2027,
    )
    meeting = create_meeting(
        actor=people["osce-delegate"],
        title="Consultation on the Batken border",
        host="osce",
        cohost="sco",
        participants=["csto"],
        date=date(2027, 3, 2),
        public=True,
        topic="conflict-prevention",
        planner_request=placed.request_key,
    )
    propose_decision(
        actor=people["osce-delegate"],
        meeting=meeting,
        title="Joint monitoring",
        text="Send observers.",
    )
    outcome = consultation_outcome(year=2027, key=placed.request_key, user=None)

    assert refused.value.code == "not_coordinator"
    assert placed.request_key == "prevention-concern-" + str(concern.op_id).replace("/", "-")
    request = MeetingRequest.objects.get(key=placed.request_key)
    assert (request.year, request.topic, request.priority, request.origin) == (
        2027,
        "conflict-prevention",
        75,
        "manual",
    )
    assert sorted(o.slug for o in request.organizations.all()) == ["csto", "osce", "sco"]
    assert outcome.state == "not_planned"
    assert [m["decisions"] for m in outcome.meetings] == [[(1, "Joint monitoring", "proposed")]]
    with pytest.raises(ConcernError) as again:
        place_consultation(
            actor=people["coordinator"],
            concern=concern,
            organizations=["osce", "sco"],
            priority=75,
            year=2027,
        )
    assert (again.value.code, again.value.status) == ("already_placed", 409)


def test_the_planner_refuses_a_single_organization(people: dict[str, Any]) -> None:
    concern = border(people["osce-delegate"])

    with pytest.raises(ConcernError) as caught:
        place_consultation(
            actor=people["coordinator"],
            concern=concern,
            organizations=["osce"],
            priority=50,
            year=2027,
        )

    assert (caught.value.code, caught.value.field) == ("too_few_organizations", "organizations")
    assert Concern.objects.get().request_key == ""


def long_concern(actor: Any, *, public: bool, sources: int) -> Concern:
    return raise_concern(
        actor=actor,
        organization="osce",
        state="KGZ",
        title="t",
        text="Ж" * 20_000,  # the longest text: 40,000 bytes
        severity=2,
        sources=["и" * 1000] * sources,  # 2,000 bytes each
        concerned=["sco"],
        public=public,
    )


@pytest.mark.parametrize("public", [True, False])
def test_a_concern_too_long_for_one_op_is_refused_naming_the_text(
    people: dict[str, Any], public: bool
) -> None:
    # Every node rebuilds the concern from its op, so the whole text travels in it:
    # the longest text with 20 of the longest sources is 80,000 bytes, over an op's room.
    with pytest.raises(ConcernError) as caught:
        long_concern(people["osce-delegate"], public=public, sources=20)

    assert (caught.value.code, caught.value.field, caught.value.status) == (
        "op_too_large",
        "text",
        413,
    )
    assert not Concern.objects.exists()
    assert not RecordEntry.objects.filter(log__organization__slug="osce").exists()


def test_the_longest_text_travels_whole_when_public_and_is_refused_sealed(
    people: dict[str, Any],
) -> None:
    # 40,000 bytes fit an op (60,000) but not a sealed op's plaintext (38,912).
    concern = long_concern(people["osce-delegate"], public=True, sources=0)
    with pytest.raises(ConcernError) as caught:
        long_concern(people["osce-delegate"], public=False, sources=0)

    assert (caught.value.code, caught.value.field, caught.value.status) == (
        "envelope_too_large",
        "text",
        413,
    )
    assert rebuild_concerns(check=True).differences == []
    assert list(Concern.objects.values_list("op_id", flat=True)) == [concern.op_id]
    assert Concern.objects.get().text == "Ж" * 20_000
