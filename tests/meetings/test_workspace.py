"""Who agreed to which revision of the minutes, on the page and in the API."""

from __future__ import annotations

from django.test import Client

from sideline.meetings.models import Meeting, Minutes
from sideline.meetings.services import (
    agree_minutes,
    circulate_minutes,
    minutes_sha256,
    save_minutes,
)
from sideline.meetings.workspace import minutes_agreements
from tests.meetings.conftest import Cast


def agreed_twice(cast: Cast, meeting: Meeting) -> Minutes:
    host = cast.of("nato", "delegate")
    save_minutes(actor=host, meeting=meeting, text="First text")
    circulate_minutes(actor=host, meeting=meeting)
    agree_minutes(actor=cast.of("csto", "signatory"), meeting=meeting)
    save_minutes(actor=host, meeting=meeting, text="Second text")
    circulate_minutes(actor=host, meeting=meeting)
    return agree_minutes(actor=cast.of("osce", "signatory"), meeting=meeting)


def test_agreements_name_organization_person_revision_and_hash(
    cast: Cast, meeting: Meeting
) -> None:
    minutes = agreed_twice(cast, meeting)

    found = minutes_agreements(minutes, show_people=True)
    hidden = minutes_agreements(minutes, show_people=False)

    assert [
        (a.organization.slug, a.person, a.revision, a.revision_sha256, a.current) for a in found
    ] == [
        ("csto", "csto-signatory", 1, minutes_sha256("First text"), False),
        ("osce", "osce-signatory", 2, minutes_sha256("Second text"), True),
    ]
    assert [a.person for a in hidden] == [None, None]


def test_page_and_api_show_who_agreed(client: Client, cast: Cast, meeting: Meeting) -> None:
    agreed_twice(cast, meeting)
    client.force_login(cast.of("osce", "viewer"))

    html = client.get(f"/meetings/{meeting.pk}/").content.decode()
    api = client.get(f"/api/meetings/{meeting.pk}/minutes").json()

    assert "Who agreed to which revision" in html
    assert f'<code title="{minutes_sha256("Second text")}">' in html
    assert "osce-signatory" in html
    assert [(a["organization"], a["person"], a["revision"]) for a in api["agreements"]] == [
        ("csto", "csto-signatory", 1),
        ("osce", "osce-signatory", 2),
    ]
    assert api["agreements"][1]["revision_sha256"] == minutes_sha256("Second text")
