"""Agenda items proposed by participants and answered by hosts; the previous minutes item."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from sideline.accounts.models import SecurityEvent
from sideline.meetings.errors import MeetingError
from sideline.meetings.models import AgendaItem, AgendaProposal, Change, Meeting
from sideline.meetings.projection import rebuild
from sideline.meetings.services import (
    accept_agenda_item,
    create_meeting,
    decline_agenda_item,
    propose_agenda_item,
    set_agenda,
)
from sideline.meetings.services import agenda as agenda_services
from tests.meetings.conftest import Cast


def titles(meeting: Meeting) -> list[str]:
    return [item.title for item in meeting.agenda.order_by("position")]


def test_participant_proposes_and_host_accepts(cast: Cast, meeting: Meeting) -> None:
    set_agenda(actor=cast.of("nato", "delegate"), meeting=meeting, items=["Opening"])

    proposal = propose_agenda_item(
        actor=cast.of("osce", "delegate"), meeting=meeting, title=" Border liaison "
    )
    accepted = accept_agenda_item(
        actor=cast.of("csto", "delegate"), meeting=meeting, proposal_id=proposal.pk
    )

    assert (accepted.status, accepted.title, accepted.organization.slug) == (
        "accepted",
        "Border liaison",
        "osce",
    )
    assert titles(meeting) == ["Opening", "Border liaison"]
    assert list(Change.objects.filter(meeting=meeting).values_list("kind", flat=True)[:3]) == [
        "agenda.set",
        "agenda.accept",
        "agenda.propose",
    ]
    assert rebuild(check=True).differences == []


def test_host_declines_with_a_reason(cast: Cast, meeting: Meeting) -> None:
    proposal = propose_agenda_item(
        actor=cast.of("osce", "signatory"), meeting=meeting, title="Sanctions"
    )

    declined = decline_agenda_item(
        actor=cast.of("nato", "signatory"),
        meeting=meeting,
        proposal_id=proposal.pk,
        reason="Outside the mandate of this meeting",
    )

    assert (declined.status, declined.reason) == ("declined", "Outside the mandate of this meeting")
    assert titles(meeting) == []
    assert rebuild(check=True).differences == []


@pytest.mark.parametrize(
    ("who", "code"),
    [
        (("sco", "delegate"), "not_participant"),
        (("osce", "viewer"), "not_participant"),
        (("none", "coordinator"), "no_organization"),
    ],
)
def test_only_participants_propose(
    cast: Cast, meeting: Meeting, who: tuple[str, str], code: str
) -> None:
    events = SecurityEvent.objects.count()

    with pytest.raises(MeetingError) as refused:
        propose_agenda_item(actor=cast.of(*who), meeting=meeting, title="Item")

    assert (refused.value.code, refused.value.status) == (code, 403)
    assert AgendaProposal.objects.count() == 0
    assert SecurityEvent.objects.count() == events + 1


@pytest.mark.parametrize(
    "who", [("osce", "delegate"), ("osce", "signatory"), ("nato", "viewer"), ("sco", "delegate")]
)
@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_only_hosts_answer_proposals(
    cast: Cast, meeting: Meeting, who: tuple[str, str], answer: str
) -> None:
    proposal = propose_agenda_item(actor=cast.of("osce", "delegate"), meeting=meeting, title="X")

    act = {
        "accept": lambda: accept_agenda_item(
            actor=cast.of(*who), meeting=meeting, proposal_id=proposal.pk
        ),
        "decline": lambda: decline_agenda_item(
            actor=cast.of(*who), meeting=meeting, proposal_id=proposal.pk, reason="No"
        ),
    }[answer]

    with pytest.raises(MeetingError) as refused:
        act()

    assert (refused.value.code, refused.value.status) == ("not_host", 403)
    proposal.refresh_from_db()
    assert (proposal.status, titles(meeting)) == ("proposed", [])


@pytest.mark.parametrize(
    ("title", "code", "field"),
    [
        ("   ", "agenda_item_required", "title"),
        ("x" * 301, "agenda_item_too_long", "title"),
    ],
)
def test_bad_proposal_refused(
    cast: Cast, meeting: Meeting, title: str, code: str, field: str
) -> None:
    with pytest.raises(MeetingError) as refused:
        propose_agenda_item(actor=cast.of("osce", "delegate"), meeting=meeting, title=title)

    assert (refused.value.code, refused.value.field, refused.value.status) == (code, field, 400)
    assert AgendaProposal.objects.count() == 0


def test_pending_proposals_are_limited_per_organization(
    cast: Cast, meeting: Meeting, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(agenda_services, "MAX_PENDING_PROPOSALS", 2)
    delegate = cast.of("osce", "delegate")
    for n in range(2):
        propose_agenda_item(actor=delegate, meeting=meeting, title=f"Item {n}")

    with pytest.raises(MeetingError) as refused:
        propose_agenda_item(actor=delegate, meeting=meeting, title="One too many")

    assert (refused.value.code, refused.value.status, refused.value.details) == (
        "too_many_proposals",
        429,
        {"limit": 2},
    )
    assert AgendaProposal.objects.count() == 2


def test_decided_unknown_and_reasonless_answers_refused(cast: Cast, meeting: Meeting) -> None:
    host = cast.of("nato", "delegate")
    proposal = propose_agenda_item(actor=cast.of("osce", "delegate"), meeting=meeting, title="X")

    with pytest.raises(MeetingError) as no_reason:
        decline_agenda_item(actor=host, meeting=meeting, proposal_id=proposal.pk, reason=" ")
    with pytest.raises(MeetingError) as long_reason:
        decline_agenda_item(
            actor=host, meeting=meeting, proposal_id=proposal.pk, reason="r" * 5_001
        )
    with pytest.raises(MeetingError) as unknown:
        accept_agenda_item(actor=host, meeting=meeting, proposal_id=proposal.pk + 99)
    accept_agenda_item(actor=host, meeting=meeting, proposal_id=proposal.pk)
    with pytest.raises(MeetingError) as decided:
        decline_agenda_item(actor=host, meeting=meeting, proposal_id=proposal.pk, reason="No")

    assert [
        (e.value.code, e.value.field, e.value.status)
        for e in (no_reason, long_reason, unknown, decided)
    ] == [
        ("reason_required", "reason", 400),
        ("reason_too_long", "reason", 400),
        ("unknown_proposal", None, 404),
        ("proposal_decided", None, 409),
    ]
    assert titles(meeting) == ["X"]


def test_accepting_keeps_the_agenda_within_its_limit(
    cast: Cast, meeting: Meeting, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(agenda_services, "MAX_AGENDA_ITEMS", 1)
    set_agenda(actor=cast.of("nato", "delegate"), meeting=meeting, items=["Opening"])
    proposal = propose_agenda_item(actor=cast.of("osce", "delegate"), meeting=meeting, title="X")

    with pytest.raises(MeetingError) as refused:
        accept_agenda_item(
            actor=cast.of("nato", "delegate"), meeting=meeting, proposal_id=proposal.pk
        )

    assert (refused.value.code, refused.value.status) == ("agenda_full", 409)
    proposal.refresh_from_db()
    assert (proposal.status, titles(meeting)) == ("proposed", ["Opening"])


# The minutes of the previous meeting


def later_meeting(cast: Cast, *, day: int = 20) -> Meeting:
    return create_meeting(
        actor=cast.of("nato", "delegate"),
        title="Counter-narcotics, second round",
        host="nato",
        cohost="csto",
        participants=["osce"],
        date=date(2013, 10, day),
    )


def test_agenda_approves_the_previous_meetings_minutes(cast: Cast, meeting: Meeting) -> None:
    later = later_meeting(cast)
    create_meeting(  # other organizations: another series
        actor=cast.of("nato", "delegate"),
        title="NATO and SCO",
        host="nato",
        participants=["sco"],
        date=date(2013, 10, 1),
    )

    set_agenda(
        actor=cast.of("nato", "delegate"),
        meeting=later,
        items=["Routes"],
        previous_minutes=True,
    )
    accept_agenda_item(
        actor=cast.of("nato", "delegate"),
        meeting=later,
        proposal_id=propose_agenda_item(
            actor=cast.of("osce", "delegate"), meeting=later, title="Liaison"
        ).pk,
    )

    items = list(AgendaItem.objects.filter(meeting=later).values_list("title", "minutes_of"))
    assert items == [
        (
            "Approval of the minutes of the previous meeting: "
            "Counter-narcotics on the sidelines (2013-09-25)",
            meeting.op_id,
        ),
        ("Routes", ""),
        ("Liaison", ""),
    ]
    assert rebuild(check=True).differences == []


def test_first_meeting_of_a_series_has_no_previous_minutes(cast: Cast, meeting: Meeting) -> None:
    later_meeting(cast)

    with pytest.raises(MeetingError) as refused:
        set_agenda(
            actor=cast.of("nato", "delegate"), meeting=meeting, items=["A"], previous_minutes=True
        )

    assert (refused.value.code, refused.value.field, refused.value.status) == (
        "no_previous_meeting",
        "previous_minutes",
        409,
    )
    assert titles(meeting) == []


# On the meeting page


def test_page_proposes_accepts_and_declines(client: Client, cast: Cast, meeting: Meeting) -> None:
    page = f"/meetings/{meeting.pk}/"
    client.force_login(cast.of("osce", "delegate"))
    client.post(f"{page}do/propose-item/", {"title": "Border liaison"})
    client.post(f"{page}do/propose-item/", {"title": "Sanctions"})
    first, second = AgendaProposal.objects.order_by("pk")
    as_participant = client.get(page).content.decode()
    client.force_login(cast.of("nato", "delegate"))
    as_host = client.get(page).content.decode()

    client.post(f"{page}do/accept-item/", {"proposal": first.pk})
    declined = client.post(
        f"{page}do/decline-item/",
        {"proposal": second.pk, "reason": "Outside our mandate"},
        follow=True,
    ).content.decode()

    assert f'action="/meetings/{meeting.pk}/do/propose-item/"' in as_participant
    assert "do/accept-item/" not in as_participant
    assert as_host.count("do/accept-item/") == 2
    assert titles(meeting) == ["Border liaison"]
    assert "declined: Outside our mandate" in declined


def test_page_refuses_outsider_proposal_with_a_message(
    client: Client, cast: Cast, meeting: Meeting
) -> None:
    client.force_login(cast.of("osce", "viewer"))

    response = client.post(
        f"/meetings/{meeting.pk}/do/propose-item/", {"title": "Item"}, follow=True
    )

    assert "only participating organizations&#x27; delegates propose agenda items" in (
        response.content.decode()
    )
    assert AgendaProposal.objects.count() == 0


def test_page_links_the_previous_minutes(client: Client, cast: Cast, meeting: Meeting) -> None:
    later = later_meeting(cast)
    client.force_login(cast.of("nato", "delegate"))

    client.post(f"/meetings/{later.pk}/do/agenda/", {"items": "Routes", "previous_minutes": "1"})
    html = client.get(f"/meetings/{later.pk}/").content.decode()

    assert (
        "Approval of the minutes of the previous meeting: "
        f'<a href="/meetings/{meeting.pk}/#minutes">Counter-narcotics on the sidelines (2013-09-25)</a>'
    ) in html
    assert 'name="previous_minutes" value="1" checked' in html
    assert titles(later)[1:] == ["Routes"]
