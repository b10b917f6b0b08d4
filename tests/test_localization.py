"""Sorting by each language's collation; dates, numbers, lists and plurals per language."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import translation

from sideline.localization import format_date, format_list, format_number, sorted_by_name

# Each language's own order of a few letters that the byte order of Unicode gets wrong.
ALPHABETS = {
    "en": ["apple", "Éclair", "Zebra"],
    "ru": ["Ангола", "Ёлки", "Ель", "Жуковка"],
    "kk": ["Ауғанстан", "Әзірбайжан", "Қазақстан", "Уганда", "Ұлыбритания", "Үндістан"],
    "ar": ["الأردن", "البحرين", "تونس", "مصر"],
    "zh-hans": ["阿富汗", "巴西", "中国"],
    "fr": ["cote", "coté", "côte", "côté"],
    "es": ["Nicaragua", "Níger", "Ñandú", "Omán"],
}


@pytest.mark.parametrize(("language", "ordered"), sorted(ALPHABETS.items()))
def test_names_sort_in_the_languages_order(language: str, ordered: list[str]) -> None:
    shuffled = list(reversed(ordered))

    assert sorted_by_name(shuffled, name=str, language=language) == ordered


def test_kazakh_and_russian_order_the_same_letters_differently() -> None:
    names = ["Ешкі", "Ёж"]

    assert sorted_by_name(names, name=str, language="kk") == ["Ешкі", "Ёж"]
    assert sorted_by_name(names, name=str, language="ru") == ["Ёж", "Ешкі"]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "December 3, 2026"),
        ("ru", "3 декабря 2026\u202fг."),
        ("kk", "2026\u202fж. 3 желтоқсан"),
        ("ar", "3 ديسمبر 2026"),  # CLDR: Arabic writes Latin digits by default
        ("zh-hans", "2026年12月3日"),
        ("fr", "3 décembre 2026"),
        ("es", "3 de diciembre de 2026"),
    ],
)
def test_dates_are_written_as_the_language_writes_them(language: str, text: str) -> None:
    assert format_date(dt.date(2026, 12, 3), language=language) == text


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "1,234,567.5"),
        ("ru", "1\xa0234\xa0567,5"),
        ("kk", "1\xa0234\xa0567,5"),
        ("ar", "1,234,567.5"),
        ("zh-hans", "1,234,567.5"),
        ("fr", "1\u202f234\u202f567,5"),
        ("es", "1.234.567,5"),
    ],
)
def test_numbers_use_the_languages_digits_and_separators(language: str, text: str) -> None:
    assert format_number(1234567.5, language=language) == text


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "UN, OSCE, and CICA"),
        ("ru", "UN, OSCE и CICA"),
        ("kk", "UN, OSCE, CICA"),  # CLDR's Kazakh list has no conjunction
        ("ar", "UN وOSCE وCICA"),
        ("zh-hans", "UN、OSCE和CICA"),
        ("fr", "UN, OSCE et CICA"),
        ("es", "UN, OSCE y CICA"),
    ],
)
def test_lists_are_joined_as_the_language_joins_them(language: str, text: str) -> None:
    assert format_list(["UN", "OSCE", "CICA"], language=language) == text


@pytest.mark.parametrize(
    ("language", "one", "two", "five"),
    [
        ("en", "1 member state", "2 member states", "5 member states"),
        ("ru", "1 государство-член", "2 государства-члена", "5 государств-членов"),
        ("kk", "1 мүше мемлекет", "2 мүше мемлекет", "5 мүше мемлекет"),
    ],
)
def test_plural_forms_follow_the_languages_rules(
    language: str, one: str, two: str, five: str
) -> None:
    with translation.override(language):
        forms = [
            translation.ngettext("%(counter)s member state", "%(counter)s member states", n)
            % {"counter": n}
            for n in (1, 2, 5)
        ]

    assert forms == [one, two, five]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "es", "zh-hans"])
def test_the_list_of_states_is_in_the_languages_alphabetical_order(
    client: Client, registry: None, language: str
) -> None:
    body = client.get("/states/", {"lang": language}).content.decode()
    names = re.findall(r'<a href="/states/[A-Z]{3}/">([^<]+)</a>', body)

    assert len(names) > 150
    assert names == sorted_by_name(names, name=str, language=language)
    assert names != sorted(names)
