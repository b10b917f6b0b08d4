"""The "new meeting" form: a time zone chosen by city, acting organizations only, and what
was typed kept after an error."""

from __future__ import annotations

from django.test import Client

from sideline.meetings.models import Meeting
from tests.meetings.conftest import Cast


def test_time_zone_is_offered_by_city_and_country_in_the_readers_language(
    client: Client, cast: Cast
) -> None:
    client.force_login(cast.of("nato", "delegate"))

    english = client.get("/meetings/").content.decode()
    russian = client.get("/meetings/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    assert '<option value="Europe/Vienna">Vienna, Austria</option>' in english
    assert '<option value="Europe/Vienna">Вена, Австрия</option>' in russian
    assert '<option value="Etc/GMT+5">' not in english


def test_dissolved_organizations_are_not_offered(client: Client, cast: Cast) -> None:
    client.force_login(cast.of("nato", "delegate"))

    html = client.get("/meetings/").content.decode()

    assert '<option value="eurasec">' not in html
    assert '<option value="caco">' not in html
    assert '<option value="csto">' in html


def test_a_refused_meeting_comes_back_with_what_was_typed_and_the_error_on_its_field(
    client: Client, cast: Cast
) -> None:
    client.force_login(cast.of("nato", "delegate"))

    response = client.post(
        "/meetings/new/",
        {
            "title": "Border talks",
            "date": "2013-09-25",
            "host": "nato",
            "cohost": "nato",
            "participants": ["osce"],
            "timezone": "Asia/Almaty",
            "public": "1",
        },
    )
    html = response.content.decode()

    assert response.status_code == 400
    assert 'data-testid="create-error">cohost: the co-host must differ from the host</p>' in html
    assert 'value="Border talks"' in html
    assert 'value="2013-09-25"' in html
    assert '<option value="Asia/Almaty" selected>' in html
    assert '<option value="osce" selected>' in html
    assert 'name="cohost" aria-invalid="true" aria-describedby="m-error"' in html
    assert 'name="public" value="1" checked' in html


def test_a_chosen_time_zone_is_the_meetings(client: Client, cast: Cast) -> None:
    client.force_login(cast.of("nato", "delegate"))

    response = client.post(
        "/meetings/new/",
        {"title": "Talks", "date": "2013-09-25", "host": "nato", "timezone": "Asia/Almaty"},
    )

    assert response.status_code == 302
    assert Meeting.objects.get(title="Talks").timezone == "Asia/Almaty"


def test_the_reader_language_is_offered_and_a_chosen_one_is_the_meetings(
    client: Client, cast: Cast
) -> None:
    client.force_login(cast.of("nato", "delegate"))

    form = client.get("/meetings/", {"lang": "kk"}).content.decode()
    response = client.post(
        "/meetings/new/",
        {"title": "Кездесу", "date": "2013-09-25", "host": "nato", "language": "kk"},
    )

    assert '<option value="kk" selected>қазақ тілі</option>' in form
    assert response.status_code == 302
    assert Meeting.objects.get(title="Кездесу").language == "kk"
