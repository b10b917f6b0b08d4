"""scripts/translate.py: filling one language's catalogue from a JSON object."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import polib
import pytest

SCRIPT = runpy.run_path(str(Path(__file__).resolve().parent.parent / "scripts" / "translate.py"))


def catalogue(forms: int) -> polib.POFile:
    po = polib.POFile()
    po.metadata = {"Plural-Forms": f"nplurals={forms}; plural=(n != 1);"}
    po.append(polib.POEntry(msgid="Agenda", msgstr="", flags=["fuzzy"], previous_msgid="Agend"))
    po.append(polib.POEntry(msgid="%(n)s item", msgid_plural="%(n)s items", msgstr_plural={}))
    return po


@pytest.mark.parametrize(
    ("code", "directory"), [("ru", "ru"), ("zh-hans", "zh_Hans"), ("kk", "kk"), ("pt-br", "pt_BR")]
)
def test_locale_dir_names_as_django_does(code: str, directory: str) -> None:
    assert SCRIPT["locale_dir"](code) == directory


def test_fill_writes_plurals_and_clears_fuzzy() -> None:
    po = catalogue(2)

    problems = SCRIPT["fill"](po, {"Agenda": "Күн тәртібі", "%(n)s item": ["%(n)s тармақ"] * 2})

    assert problems == []
    assert [(e.msgstr, e.msgstr_plural, e.flags) for e in po] == [
        ("Күн тәртібі", {}, []),
        ("", {0: "%(n)s тармақ", 1: "%(n)s тармақ"}, []),
    ]


def test_fill_refuses_the_wrong_number_of_plural_forms() -> None:
    po = catalogue(6)
    given: dict[str, Any] = {"%(n)s item": ["a", "b", "c"]}

    problems = SCRIPT["fill"](po, given)

    assert problems == ["'%(n)s item': 3 plural forms given, the catalogue has 6"]
    assert po[1].msgstr_plural == {}


def test_missing_lists_what_is_left_with_the_catalogues_plural_forms() -> None:
    assert SCRIPT["missing_entries"](catalogue(6)) == {
        "%(n)s item": ["", "", "", "", "", ""],
        "Agenda": "",
    }
