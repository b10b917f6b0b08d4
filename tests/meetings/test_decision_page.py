"""The decision page: the signatory answers where every authentic text is on screen,
confirming for whom; the forms are shown to those who may use them only."""

from __future__ import annotations

import pytest
from django.test import Client

from sideline.meetings.models import Decision, Meeting
from sideline.meetings.services import propose_decision, text_sha256
from tests.meetings.conftest import Cast

RUSSIAN = {
    "language": "ru",
    "title": "Связь по наркотрафику",
    "text": "Организации обмениваются офицерами связи.\n\nОни ежегодно отчитываются.",
}


@pytest.fixture
def silent(cast: Cast, meeting: Meeting) -> Decision:
    return propose_decision(
        actor=cast.of("csto", "delegate"),
        meeting=meeting,
        title="Liaison on drug routes",
        text="The organizations exchange liaison officers.\n\nThey report jointly each year.",
        procedure="silence",
        deadline="2199-10-01T18:00",
        deadline_timezone="Europe/Vienna",
        versions=[RUSSIAN],
    )


@pytest.mark.parametrize(
    ("who", "answer", "break_", "extend"),
    [
        (("nato", "signatory"), True, True, False),
        (("csto", "delegate"), False, False, True),
        (("csto", "signatory"), True, True, True),
        (("osce", "viewer"), False, False, False),
    ],
)
def test_forms_shown_to_who_may_use_them(
    client: Client,
    cast: Cast,
    silent: Decision,
    who: tuple[str, str],
    answer: bool,
    break_: bool,
    extend: bool,
) -> None:
    client.force_login(cast.of(*who))

    page = client.get(f"/meetings/decisions/{silent.pk}/").content.decode()

    assert ("/do/respond/" in page, "/do/break-silence/" in page, "/do/extend/" in page) == (
        answer,
        break_,
        extend,
    )


def test_page_shows_every_version_and_the_deadline_in_its_zone(
    client: Client, cast: Cast, silent: Decision
) -> None:
    client.force_login(cast.of("nato", "signatory"))

    page = client.get(f"/meetings/decisions/{silent.pk}/").content.decode()

    assert "Организации обмениваются офицерами связи." in page
    assert "The organizations exchange liaison officers." in page
    assert "2199-10-01 18:00 Europe/Vienna (2199-10-01 16:00 UTC)" in page
    assert text_sha256(silent) in page
    assert "Answer for North Atlantic Treaty Organization" in page


def test_page_hidden_from_outsiders(client: Client, cast: Cast, silent: Decision) -> None:
    client.force_login(cast.of("sco", "signatory"))

    assert client.get(f"/meetings/decisions/{silent.pk}/").status_code == 404


def test_answer_without_confirmation_refused(
    client: Client, cast: Cast, meeting: Meeting, silent: Decision
) -> None:
    client.force_login(cast.of("nato", "signatory"))

    response = client.post(
        f"/meetings/{meeting.pk}/do/respond/",
        {"decision": silent.pk, "position": "approve", "text_sha256": text_sha256(silent)},
        follow=True,
    )

    assert "confirm: tick the box that names the organization you answer for" in (
        response.content.decode()
    )
    assert silent.responses.count() == 0


def test_statement_with_confirmation_listed_with_who_and_why(
    client: Client, cast: Cast, meeting: Meeting, silent: Decision
) -> None:
    client.force_login(cast.of("nato", "signatory"))

    response = client.post(
        f"/meetings/{meeting.pk}/do/respond/",
        {
            "decision": silent.pk,
            "position": "statement",
            "reason": "Annual means the calendar year.",
            "text_sha256": text_sha256(silent),
            "confirm": "yes",
            "next": f"/meetings/decisions/{silent.pk}/",
        },
        follow=True,
    )

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == f"/meetings/decisions/{silent.pk}/"
    assert "Statements and reservations" in page
    assert "Annual means the calendar year." in page
    assert "nato-signatory" in page


def test_answers_as_csv_with_their_words_and_neutralised_formulas(
    client: Client, cast: Cast, silent: Decision
) -> None:
    from sideline.meetings.services import respond_to_decision

    respond_to_decision(
        actor=cast.of("nato", "signatory"),
        decision=silent,
        position="reservation",
        paragraph=2,
        reason="=HYPERLINK(1)",
        text_sha256=text_sha256(silent),
    )
    client.force_login(cast.of("nato", "signatory"))

    response = client.get(f"/meetings/decisions/{silent.pk}/answers.csv")

    rows = [line.split(",") for line in response.content.decode().splitlines()]
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows[0] == [
        "decision",
        "organization",
        "position",
        "paragraph",
        "words",
        "answered_at",
        "signed_at",
    ]
    assert [row[1:5] for row in rows[1:]] == [["nato", "reservation", "2", "'=HYPERLINK(1)"]]


def test_answers_csv_hidden_from_outsiders(client: Client, cast: Cast, silent: Decision) -> None:
    client.force_login(cast.of("sco", "signatory"))

    assert client.get(f"/meetings/decisions/{silent.pk}/answers.csv").status_code == 404
