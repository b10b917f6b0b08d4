"""Concern pages and API: the same permissions as the services, both ways."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sideline.accounts.services import create_token
from sideline.planner.models import MeetingRequest
from sideline.prevention.models import Concern
from tests.accounts.factories import PASSWORD, person

pytestmark = pytest.mark.django_db

FORM = {
    "state": "KGZ",
    "other_state": "TJK",
    "title": "Troops at the Batken border",
    "text": "Heavy weapons moved to Vorukh.",
    "sources": "https://example.org/a\nfield report",
    "severity": "3",
    "concerned": ["sco", "csto"],
}


@pytest.fixture
def people(registry: None) -> dict[str, Any]:
    return {
        "osce": person("osce-d", organization="osce", role="delegate"),
        "sco": person("sco-d", organization="sco", role="delegate"),
        "viewer": person("osce-v", organization="osce", role="viewer"),
        "coordinator": person("coord", organization=None, role="coordinator"),
    }


def test_a_delegate_raises_endorses_and_a_coordinator_places(
    people: dict[str, Any], client: Client
) -> None:
    client.login(username="osce-d", password=PASSWORD)
    raised = client.post("/prevention/concerns/", {**FORM, "public": "on"})
    concern = Concern.objects.get()
    client.login(username="sco-d", password=PASSWORD)
    client.post(f"/prevention/concerns/{concern.pk}/", {"action": "endorse", "note": "seen"})
    client.login(username="coord", password=PASSWORD)
    page = client.get(f"/prevention/concerns/{concern.pk}/").content.decode()
    client.post(
        f"/prevention/concerns/{concern.pk}/",
        {"action": "consult", "organizations": ["csto", "osce", "sco"], "priority": "75"},
    )
    listing = client.get("/prevention/concerns/").content.decode()

    assert raised.status_code == 302
    assert concern.sources == ["https://example.org/a", "field report"]
    assert [e.organization.slug for e in concern.endorsements.all()] == ["sco"]
    assert "Suggested meeting request: csto, osce, sco" in page
    key = "prevention-concern-" + str(concern.op_id).replace("/", "-")
    assert MeetingRequest.objects.get(key=key).priority == 75
    assert "waiting for the next plan" in listing


def test_a_viewer_cannot_raise_and_sees_why(people: dict[str, Any], client: Client) -> None:
    client.login(username="osce-v", password=PASSWORD)

    page = client.get("/prevention/concerns/").content.decode()
    refused = client.post("/prevention/concerns/", FORM)

    assert "Delegates and signatories" in page
    assert refused.status_code == 403
    assert not Concern.objects.exists()


def test_anonymous_post_goes_to_login(people: dict[str, Any], client: Client) -> None:
    response = client.post("/prevention/concerns/", FORM)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Concern.objects.exists()


def test_a_delegate_cannot_place_a_consultation(people: dict[str, Any], client: Client) -> None:
    client.login(username="osce-d", password=PASSWORD)
    client.post("/prevention/concerns/", {**FORM, "public": "on"})
    concern = Concern.objects.get()

    response = client.post(
        f"/prevention/concerns/{concern.pk}/",
        {"action": "consult", "organizations": ["osce", "sco"], "priority": "50"},
        follow=True,
    )

    assert "only a coordinator places a consultation" in response.content.decode()
    assert not MeetingRequest.objects.filter(key__startswith="prevention-").exists()


def test_api_both_ways(people: dict[str, Any], client: Client) -> None:
    _, osce_token = create_token(user=people["osce"], name="t")
    _, sco_token = create_token(user=people["sco"], name="t")
    body = {
        "organization": "osce",
        "state": "KGZ",
        "title": "t",
        "text": "x",
        "severity": 2,
        "concerned": ["sco"],
        "sources": ["s"],
    }

    created = client.post(
        "/api/prevention/concerns",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {osce_token}",
    )
    forged = client.post(
        "/api/prevention/concerns",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {sco_token}",
    )
    anonymous = client.post("/api/prevention/concerns", body, content_type="application/json")
    pk = created.json()["id"]
    endorsed = client.post(
        f"/api/prevention/concerns/{pk}/endorsements",
        {"organization": "sco"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {sco_token}",
    )
    placed = client.post(
        f"/api/prevention/concerns/{pk}/consultation",
        {"organizations": ["osce", "sco"]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {osce_token}",
    )

    assert created.status_code == 201
    assert created.json()["public"] is False
    assert created.json()["op_id"] == Concern.objects.get(pk=pk).op_id
    assert forged.status_code == 403
    assert forged.json()["error"]["code"] == "not_your_organization"
    assert anonymous.status_code == 401
    assert endorsed.json()["endorsed_by"] == ["sco"]
    assert placed.status_code == 403
    assert client.get("/api/prevention/concerns").json() == []  # confidential: not for anonymous
    assert [
        c["id"]
        for c in client.get(
            "/api/prevention/concerns", HTTP_AUTHORIZATION=f"Bearer {sco_token}"
        ).json()
    ] == [pk]


def test_signal_suggestions_are_placed_by_the_coordinator_only(
    people: dict[str, Any], client: Client, conflict_data: Any
) -> None:
    from sideline.prevention.services import import_conflict_files
    from tests.prevention.conftest import CENTRAL

    import_conflict_files([conflict_data / CENTRAL])
    client.login(username="coord", password=PASSWORD)
    page = client.get("/prevention/concerns/").content.decode()
    placed = client.post(
        "/prevention/concerns/",
        {
            "action": "consult-signal",
            "state": "AFG",
            "organizations": ["osce", "sco"],
            "priority": "50",
        },
        follow=True,
    )
    client.login(username="osce-d", password=PASSWORD)
    refused = client.post(
        "/prevention/concerns/",
        {
            "action": "consult-signal",
            "state": "PAK",
            "organizations": ["osce", "sco"],
            "priority": "50",
        },
        follow=True,
    )

    assert 'data-testid="signal-suggestions"' in page
    assert "Meeting request prevention-signal-AFG-" in placed.content.decode()
    assert "only a coordinator" in refused.content.decode()
    keys = MeetingRequest.objects.filter(key__startswith="prevention-signal-").values_list(
        "key", flat=True
    )
    assert [k[:22] for k in keys] == ["prevention-signal-AFG-"]


def test_concern_exports_hold_only_what_the_reader_may_see_and_no_formula(
    people: dict[str, Any], client: Client
) -> None:
    client.login(username="osce-d", password=PASSWORD)
    client.post("/prevention/concerns/", {**FORM, "title": "=HYPERLINK(1)", "public": "on"})
    client.post("/prevention/concerns/", {**FORM, "title": "secret"})
    client.logout()

    csv_text = client.get("/prevention/concerns/?format=csv").content.decode()
    rows = client.get("/prevention/concerns/?format=json").json()

    assert csv_text.splitlines()[0].startswith("id,organization,state,other_state,title")
    assert ",'=HYPERLINK(1)," in csv_text
    assert "secret" not in csv_text
    assert [r["title"] for r in rows] == ["=HYPERLINK(1)"]
    assert rows[0]["sources"] == ["https://example.org/a", "field report"]


def test_suggestions_api_lists_states_with_raised_rules(
    people: dict[str, Any], client: Client, conflict_data: Any
) -> None:
    from sideline.prevention.services import import_conflict_files
    from tests.prevention.conftest import CENTRAL

    assert client.get("/api/prevention/suggestions").json() == []
    import_conflict_files([conflict_data / CENTRAL])

    found = client.get("/api/prevention/suggestions").json()

    assert {"AFG", "PAK"} <= {s["state"] for s in found}
    assert all(s["topic"] == "conflict-prevention" and len(s["organizations"]) >= 2 for s in found)
