"""No stored value breaks a page, a feed, a calendar, a CSV or an API list.

Hostile values are written straight into the stored fields through the ORM, around every
validation (as an old row, an admin edit or another node's data could be), and then every
page, feed, calendar, CSV export and API list of the meetings dashboard and the planner is
read: none answers 500, Atom stays well-formed XML, iCalendar parses, JSON is JSON, and no
CSV cell starts a formula. Before the fix a commitment due 9999-12-31, or a control
character in one, made all of these answer 500 for every visitor.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any
from xml.etree import ElementTree

import icalendar
import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sideline.accounts.services import create_person
from sideline.meetings.models import (
    AgendaItem,
    Change,
    Commitment,
    Decision,
    Meeting,
    Milestone,
    ProgressUpdate,
)
from sideline.meetings.services import make_commitment, update_progress
from sideline.planner.models import MeetingRequest, PlacedMeeting, Plan
from sideline.planner.services import create_plan, publish_plan
from sideline.registry.models import Organization
from sideline.validators import EARLIEST, LATEST
from tests.meetings.conftest import Cast
from tests.planner.factory import FAST, REQUESTS

pytestmark = pytest.mark.django_db

ODD_TEXTS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example","click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1",
    "\r=1",
    "a\x01b\x07c\x1b[31mred",
    "\x0b\x0c\x7f\x85\x9f",
    "\ufffe\uffff",
    "\u202eevil\u202c \u200f\u200e\u2066isolate\u2069",
    "]]><!-- <script>alert(1)</script> &amp; &#0;",
    "line\r\nfolded;with,commas:and\\backslash",
    "\U0001f4a3\u0301\u0301\u0301 zalgo",
    "",
    " ",
]
# Every character a database can store: no NUL (PostgreSQL refuses it) and no lone surrogate
# (it cannot be encoded); control characters, bidi marks and non-characters included.
_characters = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
texts = st.one_of(
    st.sampled_from(ODD_TEXTS),
    st.text(_characters, max_size=40),
    st.builds(lambda s, n: s * n, st.sampled_from(["=", "\x01", "ا", "x"]), st.integers(1, 3000)),
)
dates = st.one_of(
    st.sampled_from([EARLIEST, LATEST, dt.date(2000, 2, 29)]),
    st.dates(min_value=EARLIEST, max_value=LATEST),
)


def _fit(model: type[Any], field: str, value: str) -> str:
    limit = model._meta.get_field(field).max_length
    return value[:limit] if limit else value


def _write(model: type[Any], pk: int, **values: Any) -> None:
    """Store values around every validation, cut to the column's size only."""
    fitted = {k: _fit(model, k, v) if isinstance(v, str) else v for k, v in values.items()}
    model.objects.filter(pk=pk).update(**fitted)


def _check_csv(body: bytes) -> None:
    for row in csv.reader(io.StringIO(body.decode("utf-8"))):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def _check(response: Any, url: str) -> None:
    assert response.status_code in {200, 404}, (url, response.status_code)
    if response.status_code != 200:
        return
    content_type = response["Content-Type"]
    body = response.content
    if "atom" in content_type:
        ElementTree.fromstring(body)
    elif "calendar" in content_type:
        assert icalendar.Calendar.from_ical(body).walk("VCALENDAR")
    elif "json" in content_type:
        json.loads(body)
    elif "csv" in content_type:
        _check_csv(body)
    else:
        assert b"<html" in body.lower() or b"<!doctype" in body.lower(), url


@pytest.fixture
def plan_2013(registry: None) -> Plan:
    return create_plan(year=2013, requests=REQUESTS, origin="file", options=FAST)


@pytest.fixture
def coordinator(registry: None) -> Any:
    return create_person(
        username="coordinator", organization="osce", role="coordinator", password="a-long-pass"
    ).user


@pytest.fixture
def board(cast: Cast, adopted: Decision, plan_2013: Plan) -> dict[str, Any]:
    """A meeting with agenda, an adopted decision, a commitment with a milestone and progress,
    and a published 2013 plan; every row hostile values will be written into."""
    actor = cast.of("nato", "delegate")
    commitment = make_commitment(
        actor=actor,
        decision=adopted,
        owner="nato",
        description="Train border officers",
        target="200 officers",
        due_date=dt.date(2014, 6, 30),
        review_date=dt.date(2014, 1, 31),
        milestones=[("curriculum", dt.date(2014, 1, 15))],
    )
    update_progress(actor=actor, commitment=commitment, percent=20, note="started")
    meeting = adopted.meeting
    AgendaItem.objects.create(meeting=meeting, position=0, title="opening")
    publish_plan(plan=plan_2013, publisher=Organization.objects.get(slug="osce"))
    return {
        "meeting": meeting,
        "decision": adopted,
        "commitment": commitment,
        "milestone": commitment.milestones.get(),
        "progress": ProgressUpdate.objects.filter(commitment=commitment).first(),
        "plan": plan_2013,
    }


def _urls(rows: dict[str, Any]) -> list[str]:
    meeting, decision, commitment = rows["meeting"], rows["decision"], rows["commitment"]
    plan = rows["plan"]
    return [
        "/meetings/",
        "/meetings/dashboard/",
        "/meetings/dashboard/?format=csv",
        "/meetings/dashboard/?print=1",
        f"/meetings/{meeting.pk}/",
        f"/meetings/decisions/{decision.pk}/",
        f"/meetings/commitments/{commitment.pk}/",
        "/meetings/feeds/nato.atom",
        "/meetings/calendars/nato.ics",
        "/api/meetings/",
        "/api/meetings/dashboard",
        f"/api/meetings/{meeting.pk}",
        f"/api/meetings/{meeting.pk}/decisions",
        f"/api/meetings/{meeting.pk}/commitments",
        f"/api/meetings/{meeting.pk}/agenda",
        "/planner/",
        "/planner/2013/",
        "/planner/2013/requests/",
        f"/planner/plans/{plan.pk}/",
        f"/planner/plans/{plan.pk}/meetings.csv",
        "/planner/feeds/all.ics",
        "/planner/feeds/csto.ics",
        "/planner/feeds/csto/",
        "/api/planner/plans",
        f"/api/planner/plans/{plan.pk}/meetings",
        "/api/planner/requests/2013",
        "/api/planner/feeds/csto",
        "/api/planner/feeds/csto/ics",
    ]


@settings(
    max_examples=8,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=texts, other=texts, day=dates, review=dates)
def test_hostile_stored_values_break_no_page_feed_or_calendar(
    cast: Cast,
    coordinator: Any,
    board: dict[str, Any],
    text: str,
    other: str,
    day: Any,
    review: Any,
) -> None:
    _write(Meeting, board["meeting"].pk, title=text or "x", location=other, date=day)
    _write(Decision, board["decision"].pk, title=text, text=other)
    _write(AgendaItem, AgendaItem.objects.get(meeting=board["meeting"]).pk, title=other)
    _write(
        Commitment,
        board["commitment"].pk,
        description=text,
        target=other,
        due_date=day,
        review_date=review,
        closed_reason=text,
    )
    _write(Milestone, board["milestone"].pk, title=other, due_date=review)
    _write(ProgressUpdate, board["progress"].pk, note=text, evidence_url=other)
    for change in Change.objects.filter(meeting=board["meeting"]):
        _write(Change, change.pk, summary=text, kind=other)
    for request in MeetingRequest.objects.filter(year=2013):
        _write(MeetingRequest, request.pk, topic=text)
    for placed in PlacedMeeting.objects.filter(plan=board["plan"]):
        _write(PlacedMeeting, placed.pk, date=day)
    _write(Plan, board["plan"].pk, changelog=other)
    _write(Organization, Organization.objects.get(slug="csto").pk, name_en=text or "x")

    delegate, planner = Client(), Client()
    delegate.force_login(cast.of("nato", "delegate"))
    planner.force_login(coordinator)
    for url in _urls(board):
        client = planner if url.startswith(("/planner", "/api/planner")) else delegate
        _check(client.get(url), url)


def test_dates_out_of_range_are_refused_by_the_database(board: dict[str, Any]) -> None:
    for model, pk, field in (
        (Commitment, board["commitment"].pk, "due_date"),
        (Commitment, board["commitment"].pk, "review_date"),
        (Milestone, board["milestone"].pk, "due_date"),
        (Meeting, board["meeting"].pk, "date"),
        (PlacedMeeting, PlacedMeeting.objects.filter(plan=board["plan"]).first().pk, "date"),
    ):
        for day in (dt.date(9999, 12, 31), dt.date(1, 1, 1)):
            with pytest.raises(IntegrityError), transaction.atomic():
                model.objects.filter(pk=pk).update(**{field: day})
