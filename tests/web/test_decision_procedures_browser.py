"""A decision under silence procedure, in the browser, in English and Russian: a delegate
proposes it in two authentic languages, a signatory joins with a statement after reading
both texts and confirming for whom, another breaks silence."""

from __future__ import annotations

import pytest

from tests.web.conftest import NewContext

WORDS = {
    "en-GB": {
        "proposed": "Done; the change is on the record.",
        "answer_for": "Answer for North Atlantic Treaty Organization",
        "broken": "Silence was broken",
        "statement": "approves with an interpretative statement",
    },
    "ru": {
        "proposed": "Готово",
        "answer_for": "Ответ от имени:",
        "broken": "Молчание прервано",
        "statement": "одобряет с заявлением о толковании",
    },
}


@pytest.fixture
def demo_meeting(live_registry: None) -> int:
    from sideline.meetings.demo import DEMO_TITLE, seed
    from sideline.meetings.models import Meeting

    seed(say=lambda _line: None)
    return Meeting.objects.get(title=DEMO_TITLE).pk


@pytest.mark.parametrize("locale", ["en-GB", "ru"])
def test_silence_procedure_proposed_joined_with_a_statement_and_broken(
    contexts: NewContext, demo_meeting: int, locale: str
) -> None:
    from sideline.meetings.models import Decision

    words = WORDS[locale]
    delegate = contexts("csto-delegate", locale=locale).new_page()
    delegate.goto(f"/meetings/{demo_meeting}/")
    delegate.fill("#dec-title", "Liaison on drug routes")
    delegate.fill("#dec-text", "Liaison officers.\n\nAn annual report.")
    delegate.fill("#dec-v-title", "Связь по наркотрафику")
    delegate.fill("#dec-v-text", "Офицеры связи.\n\nЕжегодный доклад.")
    delegate.check("input[name=procedure][value=silence]")
    delegate.fill("#dec-deadline", "2199-10-01T18:00")
    delegate.select_option("#dec-deadline-zone", "Europe/Vienna")
    delegate.locator("form[action$='/propose/'] button[type=submit]").click()
    delegate.wait_for_load_state()
    assert words["proposed"] in delegate.content()
    decision = Decision.objects.get(title="Liaison on drug routes")
    assert (decision.procedure, decision.deadline_timezone) == ("silence", "Europe/Vienna")

    signatory = contexts("nato-signatory", locale=locale).new_page()
    signatory.goto(f"/meetings/decisions/{decision.pk}/")
    assert signatory.locator("[data-testid=version-en] li").all_inner_texts() == [
        "Liaison officers.",
        "An annual report.",
    ]
    assert signatory.locator("[data-testid=version-ru] li").all_inner_texts() == [
        "Офицеры связи.",
        "Ежегодный доклад.",
    ]
    assert words["answer_for"] in signatory.locator("#answer-heading").inner_text()
    signatory.check("input[name=position][value=statement]")
    signatory.fill("#answer-reason", "NATO reads 'annual' as the calendar year.")
    signatory.locator("form[action$='/respond/'] button[type=submit]").click()
    # The confirmation is required: nothing is sent until it is ticked.
    assert decision.responses.count() == 0
    signatory.check("form[action$='/respond/'] input[name=confirm]")
    signatory.locator("form[action$='/respond/'] button[type=submit]").click()
    signatory.wait_for_selector("[data-testid=answer]")
    row = signatory.locator("[data-testid=answer]").first.inner_text()
    assert words["statement"] in row
    assert "nato-signatory" in row

    breaker = contexts("osce-signatory", locale=locale).new_page()
    breaker.goto(f"/meetings/decisions/{decision.pk}/")
    breaker.fill("#break-reason", "The OSCE needs the Permanent Council first.")
    breaker.check("form[action$='/break-silence/'] input[name=confirm]")
    breaker.locator("form[action$='/break-silence/'] button[type=submit]").click()
    breaker.wait_for_selector("[data-testid=procedure] strong")
    assert words["broken"] in breaker.locator("[data-testid=procedure]").inner_text()
    assert list(decision.responses.values_list("organization__slug", "position")) == [
        ("nato", "statement"),
        ("osce", "break_silence"),
    ]
