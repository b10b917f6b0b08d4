"""Agenda proposals and the previous minutes item through the API, both ways."""

from __future__ import annotations

from datetime import date

from django.test import Client

from sideline.meetings.models import Meeting
from sideline.meetings.services import create_meeting, propose_agenda_item
from tests.meetings.conftest import Cast


def test_api_participant_proposes_host_accepts(
    client: Client, cast: Cast, meeting: Meeting
) -> None:
    base = f"/api/meetings/{meeting.pk}/agenda"
    client.force_login(cast.of("osce", "delegate"))
    made = client.post(f"{base}/proposals", {"title": "Liaison"}, content_type="application/json")
    proposal = made.json()
    client.force_login(cast.of("nato", "signatory"))

    accepted = client.post(f"{base}/proposals/{proposal['id']}/accept")

    assert made.status_code == 201
    assert (proposal["organization"], proposal["status"], proposal["reason"]) == (
        "osce",
        "proposed",
        "",
    )
    assert (accepted.status_code, accepted.json()["status"]) == (200, "accepted")
    assert client.get(base).json() == [
        {"position": 1, "title": "Liaison", "minutes_of": None, "versions": {}}
    ]
    assert [p["status"] for p in client.get(f"{base}/proposals").json()] == ["accepted"]


def test_api_refusals_name_code_and_field(client: Client, cast: Cast, meeting: Meeting) -> None:
    base = f"/api/meetings/{meeting.pk}/agenda/proposals"
    pending = propose_agenda_item(actor=cast.of("osce", "delegate"), meeting=meeting, title="X")

    client.force_login(cast.of("osce", "signatory"))
    by_participant = client.post(f"{base}/{pending.pk}/accept")
    client.force_login(cast.of("csto", "delegate"))
    no_reason = client.post(
        f"{base}/{pending.pk}/decline", {"reason": ""}, content_type="application/json"
    )
    client.force_login(cast.of("nato", "viewer"))
    by_viewer = client.post(base, {"title": "Y"}, content_type="application/json")

    assert (by_participant.status_code, by_participant.json()) == (
        403,
        {
            "error": {
                "code": "not_host",
                "message": "only the host and co-host organizations' delegates prepare this "
                "meeting",
                "field": None,
            }
        },
    )
    assert (no_reason.status_code, no_reason.json()["error"]) == (
        400,
        {
            "code": "reason_required",
            "message": "reason: say why the proposed item is declined",
            "field": "reason",
        },
    )
    assert (by_viewer.status_code, by_viewer.json()["error"]["code"]) == (403, "not_participant")


def test_api_outsider_sees_no_proposals(client: Client, cast: Cast, meeting: Meeting) -> None:
    client.force_login(cast.of("sco", "delegate"))

    response = client.get(f"/api/meetings/{meeting.pk}/agenda/proposals")

    assert (response.status_code, response.json()["error"]["code"]) == (404, "unknown_meeting")


def test_api_agenda_links_previous_minutes(client: Client, cast: Cast, meeting: Meeting) -> None:
    later = create_meeting(
        actor=cast.of("nato", "delegate"),
        title="Second round",
        host="nato",
        cohost="csto",
        participants=["osce"],
        date=date(2013, 10, 20),
    )
    client.force_login(cast.of("nato", "delegate"))

    response = client.put(
        f"/api/meetings/{later.pk}/agenda",
        {"items": ["Routes"], "previous_minutes": True},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json() == [
        {
            "position": 1,
            "title": "Approval of the minutes of the previous meeting: "
            "Counter-narcotics on the sidelines (2013-09-25)",
            "minutes_of": {"meeting": meeting.op_id, "id": meeting.pk},
            "versions": {},
        },
        {"position": 2, "title": "Routes", "minutes_of": None, "versions": {}},
    ]
