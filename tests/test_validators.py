"""The one rule for stored dates, text and CSV cells, and how the API document declares it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from sideline.analysis.exports import Export, render_csv
from sideline.validators import (
    EARLIEST,
    LATEST,
    InvalidValueError,
    check_date,
    check_text,
    control_character,
    printable,
    spreadsheet_cell,
)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("plain", None),
        ("tab\tline\ncarriage\r", None),
        ("\u202eRTL and \u200f marks", None),
        ("nul\x00", "U+0000"),
        ("escape\x1b[31m", "U+001B"),
        ("delete\x7f", "U+007F"),
        ("next line\x85", "U+0085"),
        ("lone \ud800 surrogate", "U+D800"),
        ("non-character \ufffe", "U+FFFE"),
    ],
)
def test_control_character_finds_what_xml_and_databases_refuse(text: str, found: str) -> None:
    assert control_character(text) == found


def test_check_text_names_the_field_and_character() -> None:
    with pytest.raises(InvalidValueError) as caught:
        check_text("a\x00b", field="description")

    assert (caught.value.code, caught.value.field, caught.value.message) == (
        "control_character",
        "description",
        "description: remove the control character U+0000",
    )


@pytest.mark.parametrize("day", [dt.date(9999, 12, 31), dt.date(1, 1, 1), dt.date(1899, 12, 31)])
def test_check_date_refuses_dates_outside_the_range(day: dt.date) -> None:
    with pytest.raises(InvalidValueError) as caught:
        check_date(day, field="due_date")

    assert caught.value.message == "due_date: give a date from 1900-01-01 to 2200-12-31"


def test_check_date_keeps_both_ends_of_the_range() -> None:
    assert (check_date(EARLIEST, field="d"), check_date(LATEST, field="d")) == (EARLIEST, LATEST)


def test_printable_replaces_only_forbidden_characters() -> None:
    assert printable("a\x00b\tc\x1bd\u202e") == "a\ufffdb\tc\ufffdd\u202e"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("ok = fine", "ok = fine"),
        (-1, -1),
        (2.5, 2.5),
        (None, None),
    ],
)
def test_spreadsheet_cell_neutralises_formulas_only(value: Any, cell: Any) -> None:
    assert spreadsheet_cell(value) == cell


def test_analysis_csv_neutralises_formulas_but_keeps_negative_numbers() -> None:
    export = Export(
        records=[], headers=("name", "score"), rows=[("=cmd|' /C calc'!A0", -0.5)], svg=""
    )

    assert render_csv(export) == "name,score\n'=cmd|' /C calc'!A0,-0.5\n"


@pytest.fixture
def document(db: None) -> dict[str, Any]:
    return dict(Client().get("/api/openapi.json").json())


def test_openapi_declares_the_date_range_of_dates_people_enter(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]

    for schema, field in (
        ("MeetingIn", "date"),
        ("CommitmentIn", "due_date"),
        ("SubItemIn", "due_date"),
    ):
        declared = schemas[schema]["properties"][field]
        assert (declared["formatMinimum"], declared["formatMaximum"]) == (
            "1900-01-01",
            "2200-12-31",
        ), schema
    not_before = schemas["MeetingRequestIn"]["properties"]["not_before"]["anyOf"][0]
    assert (not_before["format"], not_before["formatMaximum"]) == ("date", "2200-12-31")


def test_openapi_declares_text_without_control_characters(document: dict[str, Any]) -> None:
    title = document["components"]["schemas"]["DecisionIn"]["properties"]["title"]

    assert title["pattern"].startswith("^[^\\u0000-\\u0008")
