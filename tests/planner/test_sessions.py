"""A coordinator's forum sessions: add, change, cancel on forms, kept by later loads."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from sideline.planner.services import (
    PlannerError,
    SessionInvalidError,
    cancel_forum_session,
    save_forum_session,
)
from sideline.registry.models import Correction, Forum, ForumSession, Organization, State
from sideline.registry.selectors import session_facts

VIENNA = {
    "forum": "osce-ministerial-council",
    "start": "2027-12-02",
    "end": "2027-12-03",
    "city": "Vienna",
    "country": "AUT",
    "timezone": "Europe/Vienna",
    "attendees": ["osce", "eu", "un"],
    "status": "announced",
    "citation": "OSCE Permanent Council decision 1500, 2027-03-04",
    "reason": "",
}


def add_vienna(actor: Any, **changes: Any) -> ForumSession:
    values = {**VIENNA, **changes}
    return save_forum_session(
        actor,
        session=None,
        forum=Forum.objects.get(slug=values["forum"]),
        start=dt.date.fromisoformat(values["start"]),
        end=dt.date.fromisoformat(values["end"]),
        city=values["city"],
        country=State.objects.get(code=values["country"]),
        timezone_name=values["timezone"],
        attendees=list(Organization.objects.filter(slug__in=values["attendees"])),
        status=values["status"],
        citation=values["citation"],
    )


def test_added_session_is_a_registry_fact_the_planner_reads(coordinator: Any) -> None:
    session = add_vienna(coordinator)

    correction = Correction.objects.get(table="sessions")
    assert session.key == "osce-ministerial-council-2027-12-02"
    assert (session.city, session.country.code, session.status) == ("Vienna", "AUT", "announced")
    assert sorted(o.slug for o in session.attendees.all()) == ["eu", "osce", "un"]
    assert (correction.action, correction.status, correction.proposed_by) == (
        "add",
        "approved",
        coordinator,
    )
    assert session.source.key == f"curation-{correction.pk}"
    assert (correction.record_organization, correction.record_index) == ("osce", 0)
    assert "osce-ministerial-council-2027-12-02" in [f["key"] for f in session_facts(2027)]


def test_added_session_survives_a_data_load(coordinator: Any) -> None:
    from sideline.registry.services import load_package

    add_vienna(coordinator)
    load_package()

    assert ForumSession.objects.get(key="osce-ministerial-council-2027-12-02").city == "Vienna"


def test_changed_session_keeps_its_identifier_and_history(coordinator: Any) -> None:
    session = add_vienna(coordinator)

    changed = save_forum_session(
        coordinator,
        session=session,
        forum=session.forum,
        start=dt.date(2027, 12, 9),
        end=dt.date(2027, 12, 10),
        city="Vienna",
        country=session.country,
        timezone_name="Europe/Vienna",
        attendees=list(session.attendees.all()),
        status="announced",
        citation="OSCE Permanent Council decision 1510, 2027-05-06",
        reason="moved by a week",
    )

    assert (changed.key, changed.start) == (session.key, dt.date(2027, 12, 9))
    assert list(Correction.objects.order_by("pk").values_list("action", "reason")) == [
        ("add", "entered by a coordinator on the planner's pages"),
        ("change", "moved by a week"),
    ]


def test_cancelled_session_stays_but_the_planner_leaves_it_out(coordinator: Any) -> None:
    session = add_vienna(coordinator)

    cancelled = cancel_forum_session(
        coordinator,
        session=session,
        reason="the host withdrew",
        citation="OSCE press release, 2027-06-01",
    )

    assert cancelled.status == "cancelled"
    assert Correction.objects.order_by("pk").last().reason == "the host withdrew"  # type: ignore[union-attr]
    assert session.key not in [f["key"] for f in session_facts(2027)]


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        (
            {"start": "2025-12-02", "end": "2025-12-03", "status": "projected"},
            "status",
            "projected_in_past",
        ),
        ({"start": "2027-12-02", "end": "2027-12-01"}, "end", "end_before_start"),
        ({"timezone": "Mars/Olympus"}, "timezone", "unknown_timezone"),
        ({"citation": "  "}, "citation", "source_required"),
    ],
)
def test_session_breaking_a_rule_is_refused_on_its_field(
    coordinator: Any, changes: dict[str, str], field: str, code: str
) -> None:
    with pytest.raises(SessionInvalidError) as caught:
        add_vienna(coordinator, **changes)

    assert [(e.field, e.code) for e in caught.value.errors] == [(field, code)]
    assert not Correction.objects.exists()
    assert not ForumSession.objects.filter(
        forum__slug="osce-ministerial-council", start__year__gte=2026
    ).exists()


def test_session_added_twice_is_refused_on_its_start(coordinator: Any) -> None:
    add_vienna(coordinator)

    with pytest.raises(SessionInvalidError) as caught:
        add_vienna(coordinator)

    assert [(e.field, e.code) for e in caught.value.errors] == [("start", "session_exists")]
    assert Correction.objects.count() == 1


def test_cancel_needs_a_reason_and_a_source(coordinator: Any) -> None:
    session = add_vienna(coordinator)

    with pytest.raises(SessionInvalidError) as caught:
        cancel_forum_session(coordinator, session=session, reason=" ", citation="")

    assert [(e.field, e.code) for e in caught.value.errors] == [
        ("reason", "reason_required"),
        ("citation", "source_required"),
    ]
    assert ForumSession.objects.get(pk=session.pk).status == "announced"


def test_only_a_coordinator_changes_sessions(coordinator: Any, viewer: Any) -> None:
    session = add_vienna(coordinator)

    with pytest.raises(PlannerError) as adding:
        add_vienna(viewer, start="2027-12-16", end="2027-12-17")
    with pytest.raises(PlannerError) as cancelling:
        cancel_forum_session(viewer, session=session, reason="no", citation="press, 2027-01-01")

    assert (adding.value.code, adding.value.status) == ("not_coordinator", 403)
    assert (cancelling.value.code, cancelling.value.status) == ("not_coordinator", 403)
    assert ForumSession.objects.get(pk=session.pk).status == "announced"
    assert Correction.objects.count() == 1


def _form(**changes: Any) -> dict[str, Any]:
    return {**VIENNA, **changes}


def test_sessions_page_adds_a_session(client: Client, coordinator: Any) -> None:
    client.force_login(coordinator)

    response = client.post("/planner/2027/sessions/", _form())

    assert response.status_code == 302
    assert response["Location"] == "/planner/2027/sessions/"
    page = client.get("/planner/2027/sessions/").content.decode()
    assert 'data-session="osce-ministerial-council-2027-12-02" data-status="announced"' in page


def test_sessions_page_shows_each_mistake_on_its_field_and_keeps_the_input(
    client: Client, coordinator: Any
) -> None:
    client.force_login(coordinator)

    response = client.post("/planner/2027/sessions/", _form(end="2027-12-01"))

    html = response.content.decode()
    assert response.status_code == 400
    assert "The last day must not be before the first." in html
    assert 'value="Vienna"' in html
    assert not Correction.objects.exists()


def test_cancel_page_cancels_with_a_reason(client: Client, coordinator: Any) -> None:
    session = add_vienna(coordinator)
    client.force_login(coordinator)

    response = client.post(
        f"/planner/sessions/{session.key}/cancel/",
        {"reason": "the host withdrew", "citation": "OSCE press release, 2027-06-01"},
    )

    assert response.status_code == 302
    assert ForumSession.objects.get(pk=session.pk).status == "cancelled"


@pytest.mark.parametrize("who", ["anonymous", "viewer"])
def test_session_pages_are_refused_to_others(
    client: Client, coordinator: Any, viewer: Any, who: str
) -> None:
    session = add_vienna(coordinator)
    if who == "viewer":
        client.force_login(viewer)

    responses = [
        client.get("/planner/2027/sessions/"),
        client.post("/planner/2027/sessions/", _form(start="2027-12-16", end="2027-12-17")),
        client.post(f"/planner/sessions/{session.key}/edit/", _form(city="Graz")),
        client.post(
            f"/planner/sessions/{session.key}/cancel/",
            {"reason": "no", "citation": "press, 2027-01-01"},
        ),
    ]

    expected = 302 if who == "anonymous" else 403
    assert [r.status_code for r in responses] == [expected] * 4
    assert ForumSession.objects.get(pk=session.pk).city == "Vienna"
    assert Correction.objects.count() == 1
