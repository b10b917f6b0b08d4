"""The language of a page: a shared link's ?lang=, the person's saved choice, the browser's."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client, RequestFactory

from sideline.accounts.enums import Role
from sideline.accounts.models import Person
from sideline.web.language import requested_language
from sideline.web.templatetags.sideline import path_without_language
from tests.accounts.factories import PASSWORD, person

pytestmark = pytest.mark.django_db


def html_tag(client: Client, path: str, **headers: str) -> str:
    body = client.get(path, **headers).content.decode()
    found = re.search(r"<html [^>]*>", body)
    assert found is not None
    return found.group(0)


@pytest.mark.parametrize(
    ("accept", "tag"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.5", '<html lang="zh-hans" dir="ltr"'),
        ("ar-SA,ar;q=0.9", '<html lang="ar" dir="rtl"'),
        ("kk-KZ,ru;q=0.8", '<html lang="kk" dir="ltr"'),
        ("es-419", '<html lang="es" dir="ltr"'),
        ("de-DE", '<html lang="en" dir="ltr"'),
    ],
)
def test_first_visit_takes_the_browsers_language(client: Client, accept: str, tag: str) -> None:
    assert html_tag(client, "/", HTTP_ACCEPT_LANGUAGE=accept).startswith(tag)


def test_a_link_with_lang_shows_that_language_and_the_next_pages_keep_it(client: Client) -> None:
    first = client.get("/?lang=kk", HTTP_ACCEPT_LANGUAGE="fr")

    assert first.cookies[settings.LANGUAGE_COOKIE_NAME].value == "kk"
    assert '<html lang="kk"' in first.content.decode()
    assert html_tag(client, "/states/", HTTP_ACCEPT_LANGUAGE="fr").startswith('<html lang="kk"')


@pytest.mark.parametrize("value", ["xx", "", "../ru", "en-GB-oed" * 20])
def test_an_unknown_lang_is_ignored_and_sets_no_cookie(client: Client, value: str) -> None:
    response = client.get("/", {"lang": value}, HTTP_ACCEPT_LANGUAGE="ru")

    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert '<html lang="ru"' in response.content.decode()


@pytest.mark.parametrize(
    ("value", "code"), [("zh_Hans", "zh-hans"), ("AR", "ar"), (" es ", "es"), ("ru-RU", None)]
)
def test_requested_language_forgives_case_and_underscores(value: str, code: str | None) -> None:
    assert requested_language(value) == code


def test_switching_from_the_header_is_remembered_for_the_person_at_the_next_login(
    client: Client,
) -> None:
    user = person("aigerim", organization=None, role=Role.GUEST)
    client.login(username="aigerim", password=PASSWORD)

    response = client.post("/i18n/setlang/", {"language": "kk", "next": "/states/"})

    assert (response.status_code, response["Location"]) == (302, "/states/")
    assert Person.objects.get(user=user).language == "kk"
    elsewhere = Client()  # another browser: no cookie, an English one
    elsewhere.post("/accounts/login/", {"username": "aigerim", "password": PASSWORD})
    assert html_tag(elsewhere, "/", HTTP_ACCEPT_LANGUAGE="en").startswith('<html lang="kk"')


def test_a_persons_language_gives_way_to_a_shared_link(client: Client) -> None:
    person("aigerim", organization=None, role=Role.GUEST)
    client.login(username="aigerim", password=PASSWORD)
    client.post("/i18n/setlang/", {"language": "kk", "next": "/"})

    assert html_tag(client, "/?lang=ar").startswith('<html lang="ar" dir="rtl"')


def test_an_unknown_language_is_not_saved(client: Client) -> None:
    user = person("aigerim", organization=None, role=Role.GUEST)
    client.login(username="aigerim", password=PASSWORD)

    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})

    assert Person.objects.get(user=user).language == ""


def test_an_anonymous_switch_sets_only_the_cookie(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/"})

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert list(Person.objects.values_list("language", flat=True)) == []


def test_the_language_menu_returns_to_the_page_without_its_lang() -> None:
    request = RequestFactory().get("/states/", {"lang": "fr", "as_of": "2020-01-01"})

    assert path_without_language(request) == "/states/?as_of=2020-01-01"
