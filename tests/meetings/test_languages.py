"""A meeting's title and agenda items in several languages: services, ops, pages, API."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import icalendar
import pytest
from django.test import Client
from django.urls import reverse

from sideline.meetings.errors import MeetingError
from sideline.meetings.models import AgendaItem, Change, Decision, Meeting
from sideline.meetings.projection import node_projection, rebuild, stored_projection
from sideline.meetings.services import (
    accept_agenda_item,
    add_meeting_version,
    create_meeting,
    make_commitment,
    propose_agenda_item,
    propose_decision,
    set_agenda,
)
from sideline.meetings.versions import meeting_text
from tests.meetings.conftest import Cast

RUSSIAN = "Борьба с наркотиками в кулуарах"


def items(meeting: Meeting) -> list[tuple[str, dict[str, str]]]:
    return [(i.title, i.versions) for i in AgendaItem.objects.filter(meeting=meeting)]


@pytest.fixture
def agenda(cast: Cast, meeting: Meeting) -> Meeting:
    set_agenda(actor=cast.of("nato", "delegate"), meeting=meeting, items=["Routes", "Liaison"])
    return meeting


@pytest.fixture
def russian(cast: Cast, agenda: Meeting) -> Meeting:
    return add_meeting_version(
        actor=cast.of("nato", "delegate"),
        meeting=agenda,
        language="ru",
        title=RUSSIAN,
        items=["Маршруты", "Связь"],
    )


def test_host_adds_a_version_of_title_and_items(cast: Cast, russian: Meeting) -> None:
    russian.refresh_from_db()

    assert (russian.title, russian.language, russian.versions) == (
        "Counter-narcotics on the sidelines",
        "en",
        [{"language": "ru", "title": RUSSIAN}],
    )
    assert items(russian) == [("Routes", {"ru": "Маршруты"}), ("Liaison", {"ru": "Связь"})]
    kinds = Change.objects.filter(meeting=russian).values_list("kind", flat=True)
    assert list(kinds[:2]) == ["agenda.set", "meeting.title"]


def test_versions_are_rebuilt_from_the_ops(cast: Cast, russian: Meeting) -> None:
    add_meeting_version(
        actor=cast.of("csto", "delegate"),
        meeting=russian,
        language="zh-hans",
        title="毒品问题会外会议",
        items=["路线", "联络"],
    )
    before = stored_projection()
    Meeting.objects.all().delete()

    report = rebuild()

    assert report.rebuilt
    assert stored_projection() == before
    meeting = Meeting.objects.get()
    assert meeting.versions == [
        {"language": "ru", "title": RUSSIAN},
        {"language": "zh-hans", "title": "毒品问题会外会议"},
    ]
    assert items(meeting) == [
        ("Routes", {"ru": "Маршруты", "zh-hans": "路线"}),
        ("Liaison", {"ru": "Связь", "zh-hans": "联络"}),
    ]
    assert rebuild(check=True).differences == []


def test_a_version_in_the_same_language_replaces_it(cast: Cast, russian: Meeting) -> None:
    add_meeting_version(
        actor=cast.of("nato", "delegate"), meeting=russian, language="ru", title="Кулуары"
    )
    russian.refresh_from_db()

    assert russian.versions == [{"language": "ru", "title": "Кулуары"}]
    # Without items, the agenda's versions stay.
    assert items(russian) == [("Routes", {"ru": "Маршруты"}), ("Liaison", {"ru": "Связь"})]
    assert rebuild(check=True).differences == []


def test_a_meeting_created_in_russian_says_so_in_its_op(cast: Cast) -> None:
    made = create_meeting(
        actor=cast.of("nato", "delegate"),
        title=RUSSIAN,
        host="nato",
        participants=["osce"],
        date=date(2013, 9, 25),
        language="ru",
        public=True,
    )

    assert made.op_id is not None
    assert node_projection().meetings[made.op_id]["language"] == "ru"
    assert rebuild(check=True).differences == []


def test_meetings_made_before_versions_read_as_english(cast: Cast, agenda: Meeting) -> None:
    assert agenda.op_id is not None
    projected = node_projection().meetings[agenda.op_id]

    assert (projected["language"], projected["versions"], projected["agenda_versions"]) == (
        "en",
        [],
        {},
    )


@pytest.mark.parametrize("role", ["delegate", "signatory"])
@pytest.mark.parametrize("org", ["nato", "csto"])
def test_hosts_may_add_a_version(cast: Cast, agenda: Meeting, org: str, role: str) -> None:
    add_meeting_version(actor=cast.of(org, role), meeting=agenda, language="fr", title="Réunion")
    agenda.refresh_from_db()

    assert agenda.versions == [{"language": "fr", "title": "Réunion"}]


@pytest.mark.parametrize(
    ("org", "role"),
    [("osce", "delegate"), ("osce", "signatory"), ("nato", "viewer"), ("sco", "delegate")],
)
def test_others_may_not_add_a_version(cast: Cast, agenda: Meeting, org: str, role: str) -> None:
    changes = Change.objects.count()

    with pytest.raises(MeetingError) as refused:
        add_meeting_version(actor=cast.of(org, role), meeting=agenda, language="fr", title="R")

    assert (refused.value.code, refused.value.status) == ("not_host", 403)
    agenda.refresh_from_db()
    assert (agenda.versions, Change.objects.count()) == ([], changes)


@pytest.mark.parametrize(
    ("changes", "code", "field", "status"),
    [
        ({"language": "en"}, "same_language", "language", 409),
        ({"language": "de"}, "bad_language", "language", 400),
        ({"title": "  "}, "title_required", "title", 400),
        ({"items": ["Маршруты"]}, "agenda_versions_mismatch", "items", 409),
    ],
)
def test_bad_versions_refused(
    cast: Cast, agenda: Meeting, changes: dict[str, Any], code: str, field: str, status: int
) -> None:
    given: dict[str, Any] = {"language": "ru", "title": RUSSIAN, "items": [], **changes}

    with pytest.raises(MeetingError) as refused:
        add_meeting_version(actor=cast.of("nato", "delegate"), meeting=agenda, **given)

    assert (refused.value.code, refused.value.field, refused.value.status) == (code, field, status)
    agenda.refresh_from_db()
    assert agenda.versions == []


def test_changed_agenda_drops_its_versions_unchanged_keeps_them(
    cast: Cast, russian: Meeting
) -> None:
    host = cast.of("nato", "delegate")
    set_agenda(actor=host, meeting=russian, items=["Routes", "Liaison"])
    kept = items(russian)
    set_agenda(actor=host, meeting=russian, items=["Routes", "Borders"])

    assert kept == [("Routes", {"ru": "Маршруты"}), ("Liaison", {"ru": "Связь"})]
    assert items(russian) == [("Routes", {}), ("Borders", {})]
    assert rebuild(check=True).differences == []


def test_accepted_item_joins_every_version_as_proposed(cast: Cast, russian: Meeting) -> None:
    proposal = propose_agenda_item(actor=cast.of("osce", "delegate"), meeting=russian, title="Aid")
    accept_agenda_item(actor=cast.of("csto", "delegate"), meeting=russian, proposal_id=proposal.pk)

    assert items(russian)[2] == ("Aid", {"ru": "Aid"})
    assert rebuild(check=True).differences == []


def test_reader_gets_their_language_else_the_meetings_own(russian: Meeting) -> None:
    agenda_items = list(russian.agenda.all())

    shown = {
        reader: (text.language, text.title, [text.item(i) for i in agenda_items])
        for reader in ("ru", "en", "kk")
        for text in [meeting_text(russian, reader, agenda_items)]
    }

    assert shown == {
        "ru": ("ru", RUSSIAN, ["Маршруты", "Связь"]),
        "en": ("en", "Counter-narcotics on the sidelines", ["Routes", "Liaison"]),
        "kk": ("en", "Counter-narcotics on the sidelines", ["Routes", "Liaison"]),
    }


def test_page_shows_russian_first_for_a_russian_reader(
    client: Client, cast: Cast, russian: Meeting
) -> None:
    client.force_login(cast.of("osce", "viewer"))

    body = client.get(f"/meetings/{russian.pk}/", {"lang": "ru"}).content.decode()

    assert f'<h1 lang="ru" data-testid="meeting-title">{RUSSIAN}</h1>' in body
    assert (
        '<p data-testid="meeting-languages">Также на языках: '
        '<a href="?lang=en" hreflang="en">английский</a></p>'
    ) in body
    assert '<span lang="ru">Маршруты</span>' in body


def test_page_lists_the_versions_for_an_english_reader(
    client: Client, cast: Cast, russian: Meeting
) -> None:
    client.force_login(cast.of("osce", "viewer"))

    body = client.get(f"/meetings/{russian.pk}/", {"lang": "en"}).content.decode()

    assert (
        '<h1 lang="en" data-testid="meeting-title">Counter-narcotics on the sidelines</h1>' in body
    )
    assert (
        '<p data-testid="meeting-languages">Also in: <a href="?lang=ru" hreflang="ru">Russian</a></p>'
    ) in body


def test_version_form_only_for_hosts(client: Client, cast: Cast, agenda: Meeting) -> None:
    client.force_login(cast.of("osce", "delegate"))
    refused = client.post(
        f"/meetings/{agenda.pk}/do/version/", {"language": "ru", "title": RUSSIAN}, follow=True
    )
    client.force_login(cast.of("nato", "delegate"))
    hosts_page = client.get(f"/meetings/{agenda.pk}/").content.decode()
    done = client.post(
        f"/meetings/{agenda.pk}/do/version/",
        {"language": "ru", "title": RUSSIAN, "items": "Маршруты\nСвязь\n"},
    )

    form = f'action="/meetings/{agenda.pk}/do/version/"'
    assert form not in refused.content.decode()
    assert form in hosts_page
    assert done.status_code == 302
    agenda.refresh_from_db()
    assert agenda.versions == [{"language": "ru", "title": RUSSIAN}]


def test_api_adds_a_version_both_ways(client: Client, cast: Cast, agenda: Meeting) -> None:
    url = f"/api/meetings/{agenda.pk}/versions"
    payload = {"language": "ru", "title": RUSSIAN, "items": ["Маршруты", "Связь"]}
    client.force_login(cast.of("osce", "signatory"))
    refused = client.post(url, payload, content_type="application/json")
    client.force_login(cast.of("csto", "delegate"))

    made = client.post(url, payload, content_type="application/json")

    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "not_host")
    assert made.status_code == 201
    assert (made.json()["language"], made.json()["versions"]) == (
        "en",
        [{"language": "ru", "title": RUSSIAN}],
    )
    agenda_out = client.get(f"/api/meetings/{agenda.pk}/agenda").json()
    assert [(i["title"], i["versions"]) for i in agenda_out] == [
        ("Routes", {"ru": "Маршруты"}),
        ("Liaison", {"ru": "Связь"}),
    ]


def test_decision_page_names_the_meeting_in_the_readers_language(
    client: Client, cast: Cast, russian: Meeting, proposal: Decision
) -> None:
    client.force_login(cast.of("osce", "viewer"))

    russian_page = client.get(f"/meetings/decisions/{proposal.pk}/", {"lang": "ru"})
    french_page = client.get(f"/meetings/decisions/{proposal.pk}/", {"lang": "fr"})

    assert f'<span lang="ru">{RUSSIAN}</span>' in russian_page.content.decode()
    assert (
        '<span lang="en">Counter-narcotics on the sidelines</span>' in french_page.content.decode()
    )


def test_commitments_calendar_speaks_the_readers_language(
    client: Client, cast: Cast, adopted: Decision
) -> None:
    make_commitment(
        actor=cast.of("osce", "delegate"),
        decision=adopted,
        owner="osce",
        description="Report",
        target="T",
        due_date=date(2013, 6, 1),
    )
    client.force_login(cast.of("osce", "viewer"))

    body = client.get("/meetings/calendars/osce.ics", {"lang": "ru"}).content
    calendar = icalendar.Calendar.from_ical(body)

    event = calendar.walk("VEVENT")[0]
    assert (str(calendar["X-WR-CALNAME"]), str(event["SUMMARY"])) == (
        "Обязательства: ОБСЕ",
        "срок: Report (просрочено)",
    )
    assert str(event.walk("VALARM")[0]["DESCRIPTION"]) == "Sideline, срок: Report"


def test_story_names_the_meeting_in_the_readers_language(
    client: Client, cast: Cast, russian: Meeting, proposal: Decision
) -> None:
    client.force_login(cast.of("osce", "viewer"))
    url = reverse("meetings:story", args=["decision", proposal.pk])

    body = client.get(url, {"lang": "ru"}).content.decode()

    assert RUSSIAN in body
    assert "Counter-narcotics on the sidelines" not in body


def test_decision_given_in_chinese_simplified_too(
    client: Client, cast: Cast, meeting: Meeting
) -> None:
    client.force_login(cast.of("nato", "delegate"))
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()

    decision = propose_decision(
        actor=cast.of("nato", "delegate"),
        meeting=meeting,
        title="Liaison",
        text="The organizations meet.",
        versions=[{"language": "zh-hans", "title": "联络", "text": "各组织举行会议。"}],
    )

    select = re.search(r'<select id="dec-v-lang".*?</select>', page)
    assert select is not None
    assert re.findall(r'<option value="([^"]+)"', select.group()) == [
        "ru",
        "kk",
        "ar",
        "zh-hans",
        "fr",
        "es",
    ]
    assert [v["language"] for v in decision.versions] == ["zh-hans"]
    assert rebuild(check=True).differences == []
