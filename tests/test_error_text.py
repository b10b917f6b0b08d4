"""Any service error on a page, in the reader's language (`sideline.error_text`)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

import sideline
from sideline.error_text import TEXTS, error_text
from sideline.errors import ServiceError
from sideline.meetings.errors import MeetingError
from sideline.meetings.texts import REFUSALS
from tests.accounts.factories import PASSWORD, person

MEETINGS = Path(sideline.__file__).parent / "meetings"


def _raised_codes() -> set[str]:
    """Every literal code of a ``MeetingError(...)`` or ``forbidden(...)`` in meetings."""
    codes = set()
    for path in MEETINGS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"MeetingError", "forbidden"}
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                codes.add(node.args[0].value)
    return codes


def test_every_meetings_refusal_has_a_text() -> None:
    assert sorted(_raised_codes() - set(REFUSALS)) == []


def test_russian_reader_gets_the_code_s_text() -> None:
    error = MeetingError("cohost_is_host", "cohost: the co-host must differ from the host")

    with translation.override("ru"):
        text = error_text(error)

    assert text == "Организация-сопредседатель должна отличаться от принимающей."


def test_english_reader_gets_the_error_s_own_message() -> None:
    error = MeetingError("cohost_is_host", "cohost: the co-host must differ from the host")

    with translation.override("en"):
        text = error_text(error)

    assert text == "cohost: the co-host must differ from the host"


def test_details_fill_the_translated_text() -> None:
    error = MeetingError(
        "invalid_number", "percent: 'x' is not a number", field="percent", details={"value": "'x'"}
    )

    with translation.override("ru"):
        text = error_text(error)

    assert text == "percent: 'x' — не число."


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(ServiceError("from_the_future", "kept as written"), id="unknown-code"),
        pytest.param(MeetingError("upload_too_large", "file: too large"), id="details-missing"),
    ],
)
def test_falls_back_to_the_message(error: ServiceError) -> None:
    with translation.override("ru"):
        text = error_text(error)

    assert text == error.message


def test_catalogue_holds_the_meetings_texts() -> None:
    assert {code: TEXTS[code] for code in REFUSALS} == dict(REFUSALS)


@pytest.fixture
def delegate(registry: None) -> Client:
    """A client logged in as a NATO delegate."""
    person("nato-delegate", organization="nato", role="delegate")
    client = Client()
    client.login(username="nato-delegate", password=PASSWORD)
    return client


def test_meeting_refusal_is_russian_on_a_russian_page(delegate: Client) -> None:
    client = delegate
    form = {"title": "", "host": "nato", "date": "2013-09-25"}

    russian = client.post("/meetings/new/", form, HTTP_ACCEPT_LANGUAGE="ru", follow=True)
    english = client.post("/meetings/new/", form, HTTP_ACCEPT_LANGUAGE="en", follow=True)

    assert "Дайте встрече название." in russian.content.decode()
    assert "title: give the meeting a title" in english.content.decode()
    assert "Дайте встрече название." not in english.content.decode()


def test_page_date_refusal_names_field_and_value_in_russian(delegate: Client) -> None:
    form = {"title": "Talks", "host": "nato", "date": "25.09.2013"}

    russian = delegate.post("/meetings/new/", form, HTTP_ACCEPT_LANGUAGE="ru", follow=True)

    assert "date: &#x27;25.09.2013&#x27; — не дата; используйте ГГГГ-ММ-ДД." in (
        russian.content.decode()
    )
