"""Reasons and rules on the pages, in English and in Russian."""

from __future__ import annotations

import inspect
import re
from typing import Any

import pytest
from django.template import Context, Template
from django.utils import translation

from sideline.planner import explain
from sideline.planner.constraints import CONSTRAINTS
from sideline.planner.texts import RULES, reason_text, rule_text

SAMPLES: dict[str, dict[str, Any]] = {
    "no_session_in_window": {"not_before": "2013-02-01", "not_after": None},
    "organization_absent": {"missing": {"unga-68": ["sco"], "osce-mc-20": ["cica", "sco"]}},
    "window_has_no_session_day": {"sessions": ["unga-68"]},
    "too_long": {"slots": 3, "slots_per_day": 2},
    "free_placement_left": {"session": "unga-68", "date": "2013-09-24", "slot": 0},
    "rooms_full": {"session": "unga-68", "meetings": ["r1", "r2", "r3", "r4"]},
    "organization_busy": {"organization": "nato", "meetings": ["r1"]},
    "daily_cap": {"organization": "nato", "dates": ["2013-09-24"]},
    "travel": {"organization": "nato", "elsewhere": ["Vienna on 2013-09-24"]},
    "summit_not_opened": {"summits": ["astana-2013"]},
    "lower_priority": {"priority": 2, "meetings": ["r1", "r2"]},
    "removed_by_coordinator": {},
}


def _facts(details: dict[str, Any]) -> list[str]:
    """The ids and dates a reason must show in any language (the first three of a list)."""
    out: list[str] = []
    for value in details.values():
        if isinstance(value, dict):
            out += list(value)[:3]
        elif isinstance(value, list):
            out += [str(v) for v in value[:3]]
        elif isinstance(value, str):
            out.append(value)
    return out


def test_every_reason_the_core_gives_has_a_sample_and_a_text() -> None:
    codes = set(re.findall(r'Reason\(\s*"([a-z_]+)"', inspect.getsource(explain)))
    assert codes, "no reason codes found in explain.py"
    assert codes <= set(SAMPLES)
    for code in codes:
        assert reason_text({"code": code, "message": "SENTINEL", **SAMPLES[code]}) != "SENTINEL"


@pytest.mark.parametrize("code", sorted(SAMPLES))
def test_reason_is_rendered_from_its_details_in_both_languages(code: str) -> None:
    reason = {"code": code, "message": "the core's English", **SAMPLES[code]}
    with translation.override("en"):
        english = reason_text(reason)
    with translation.override("ru"):
        russian = reason_text(reason)
    assert english != russian
    assert re.search("[а-яА-Я]", russian), russian
    for fact in _facts(SAMPLES[code]):
        assert fact in english, (fact, english)
        assert fact in russian, (fact, russian)


def test_long_lists_are_cut_and_counted() -> None:
    reason = {"code": "rooms_full", "session": "s", "meetings": ["a", "b", "c", "d", "e"]}
    with translation.override("en"):
        assert reason_text(reason).endswith("by a, b, c and 2 more")
    with translation.override("ru"):
        assert reason_text(reason).endswith("a, b, c и ещё 2")


def test_free_placement_counts_slots_from_one_as_pages_do() -> None:
    with translation.override("en"):
        text = reason_text({"code": "free_placement_left", **SAMPLES["free_placement_left"]})
    assert "slot 1;" in text


def test_unknown_code_keeps_the_stored_message() -> None:
    assert reason_text({"code": "from-a-newer-version", "message": "as stored"}) == "as stored"


def test_every_constraint_has_a_translated_meaning() -> None:
    assert set(RULES) == {c.name for c in CONSTRAINTS}
    for constraint in CONSTRAINTS:
        with translation.override("en"):
            assert rule_text(constraint.name) == constraint.summary
        with translation.override("ru"):
            assert re.search("[а-яА-Я]", rule_text(constraint.name))
    assert rule_text("no-such-rule") == "no-such-rule"


def test_template_filters_render_reasons_and_rules() -> None:
    template = Template("{% load planner %}{{ r|reason }} / {{ name|rule }}")
    context = Context({"r": {"code": "removed_by_coordinator", "message": "x"}, "name": "travel"})
    with translation.override("ru"):
        text = template.render(context)
    assert text == "удалён из плана вручную / организация проводит встречи в одном городе в день"
