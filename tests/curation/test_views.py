"""The curator's pages: who may open them, what a failed form keeps, history shown."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from sideline.curation.services import approve_correction, propose_correction
from sideline.registry.models import Correction, Membership
from tests.accounts.factories import person
from tests.curation.conftest import UZBEKISTAN

PROPOSE = "/corrections/propose/memberships/change/?" + urlencode(UZBEKISTAN)
CITATION = "CSTO Collective Security Council decision of 19 December 2012"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(**changes: str) -> dict[str, str]:
    return {
        "status": "member",
        "start": "2006-08-16",
        "end": "2012-12-20",
        "note": "restored in 2006",
        "citation": CITATION,
        "reason": "The decision took effect the next day.",
        **changes,
    }


def test_propose_page_shows_the_fact_to_a_curator(alice: Any) -> None:
    response = _client(alice).get(PROPOSE)

    assert response.status_code == 200
    assert 'data-testid="fact">csto UZB 2006-08-16<' in response.content.decode()


def test_propose_page_sends_the_anonymous_to_log_in(registry: None) -> None:
    response = Client().get(PROPOSE)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("role", ["viewer", "delegate", "signatory", "coordinator", "guest"])
@pytest.mark.parametrize("url", [PROPOSE, "/corrections/", "/corrections/organizations/csto/"])
def test_curation_pages_refuse_other_roles(registry: None, role: str, url: str) -> None:
    organization = "csto" if role in {"viewer", "delegate", "signatory"} else None
    user = person(f"someone-{role}", organization=organization, role=role)

    response = _client(user).post(url, _form()) if url == PROPOSE else _client(user).get(url)

    assert response.status_code == 403
    assert not Correction.objects.exists()


def test_propose_form_keeps_what_was_typed_and_marks_the_field(alice: Any) -> None:
    response = _client(alice).post(PROPOSE, _form(end="2005-01-01", citation=""))

    page = response.content.decode()
    assert response.status_code == 400
    assert 'aria-invalid="true"' in page
    assert "Give the source: an address (URL) or a citation." in page
    assert 'value="2005-01-01"' in page
    assert "The decision took effect the next day." in page
    assert not Correction.objects.exists()


def test_propose_form_names_the_end_before_the_start(alice: Any) -> None:
    response = _client(alice).post(PROPOSE, _form(end="2005-01-01"))

    page = response.content.decode()
    assert response.status_code == 400
    assert "The end must be after the start." in page
    assert not Correction.objects.exists()


def test_propose_form_refuses_an_unknown_status(alice: Any) -> None:
    response = _client(alice).post(PROPOSE, _form(status="overlord"))

    assert response.status_code == 400
    assert "Select a valid choice. overlord is not one of the available choices." in (
        response.content.decode()
    )


def test_review_journey_approves_and_shows_history(alice: Any, bob: Any) -> None:
    response = _client(alice).post(PROPOSE, _form())
    correction = Correction.objects.get()
    assert response["Location"] == f"/corrections/{correction.pk}/"

    own = _client(alice).post(f"/corrections/{correction.pk}/review/", {"decision": "approve"})
    assert own.status_code == 403

    approved = _client(bob).post(f"/corrections/{correction.pk}/review/", {"decision": "approve"})
    assert approved.status_code == 302
    membership = Membership.objects.get(
        organization__slug="csto", state__code="UZB", start="2006-08-16"
    )
    assert membership.end == "2012-12-20"

    history = Client().get("/organizations/csto/").content.decode()
    assert "csto UZB 2006-08-16" in history
    assert f'href="/corrections/{correction.pk}/"' in history
    assert f'href="/corrections/{correction.pk}/"' in Client().get("/states/UZB/").content.decode()
    detail = Client().get(f"/corrections/{correction.pk}/").content.decode()
    assert "<del>2012-12-19</del>" in detail
    assert "<ins>2012-12-20</ins>" in detail


def test_pending_correction_is_shown_to_curators_only(alice: Any, bob: Any) -> None:
    correction = propose_correction(
        alice,
        table="mandates",
        action="change",
        key={"organization": "csto", "function": "counter-narcotics"},
        values={"weight": "secondary"},
        citation=CITATION,
        reason="The Charter names it among several purposes.",
    )
    url = f"/corrections/{correction.pk}/"

    assert Client().get(url).status_code == 404
    page = _client(bob).get(url).content.decode()
    assert 'data-testid="review"' in page
    assert 'data-testid="review"' not in _client(alice).get(url).content.decode()
    approve_correction(bob, correction_id=correction.pk)
    assert Client().get(url).status_code == 200


def _approved_mandate_corrections(curator: Any, reviewer: Any, count: int) -> None:
    functions = ["counter-narcotics", "counter-terrorism", "collective-defence"][:count]
    for function in functions:
        correction = propose_correction(
            curator,
            table="mandates",
            action="change",
            key={"organization": "csto", "function": function},
            values={"basis": f"CSTO Charter, as read for {function}"},
            citation=CITATION,
            reason="The basis cites the Charter's article.",
        )
        approve_correction(reviewer, correction_id=correction.pk)


# The organization page's queries, whatever the number of corrections in its history.
QUERIES_OF_THE_ORGANIZATION_PAGE = 10


@pytest.mark.parametrize("count", [1, 3])
def test_organization_history_queries_do_not_grow_with_corrections(
    alice: Any, bob: Any, count: int, django_assert_num_queries: Any
) -> None:
    _approved_mandate_corrections(alice, bob, count)
    client = Client()
    client.get("/organizations/csto/")  # warm the per-process caches

    with django_assert_num_queries(QUERIES_OF_THE_ORGANIZATION_PAGE):
        page = client.get("/organizations/csto/").content.decode()

    history = page[page.index('data-testid="history"') :]
    assert history.count('<tr><td><a href="/corrections/') == count
