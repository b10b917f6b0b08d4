"""`planner.services.publication`: changelog, feeds and record entry of a publication."""

from __future__ import annotations

import datetime as dt

import pytest

from sideline.planner.models import FeedItem, Plan, PlanStatus
from sideline.planner.services import (
    PlannerError,
    move_meeting,
    publish_plan,
    start_draft,
)
from sideline.registry.models import Organization


def test_publish_first_version_lists_every_meeting_and_feeds_each_organization(
    plan_2013: Plan,
) -> None:
    osce = Organization.objects.get(slug="osce")

    publish_plan(plan=plan_2013, publisher=osce)

    plan_2013.refresh_from_db()
    lines = plan_2013.changelog.splitlines()
    assert plan_2013.status == PlanStatus.PUBLISHED
    assert lines[0] == "First publication: 3 meetings."
    assert [line.split(":")[0] for line in lines[1:]] == ["+ r1", "+ r2", "+ r3"]
    assert sorted(
        FeedItem.objects.filter(plan=plan_2013).values_list("organization__slug", flat=True)
    ) == ["cis", "csto", "eu", "osce", "sco", "un"]


def test_publish_second_version_lists_only_the_move(plan_2013: Plan) -> None:
    osce = Organization.objects.get(slug="osce")
    publish_plan(plan=plan_2013, publisher=osce)
    draft = start_draft(plan=plan_2013)
    r1 = draft.meetings.get(request__key="r1")
    free_day = dt.date(2013, 10, 1)
    assert not draft.meetings.filter(date=free_day).exists()
    move_meeting(meeting=r1, venue="unga-68", date=free_day, slot=3, room=1)

    publish_plan(plan=draft, publisher=osce)

    draft.refresh_from_db()
    items = FeedItem.objects.filter(plan=draft).order_by("organization__slug")
    assert draft.version == 2
    assert draft.changelog.splitlines()[0] == "Changes since version 1: 1."
    assert draft.changelog.splitlines()[1].endswith("→ unga-68 2013-10-01 slot 3 room 2")
    assert [(i.organization.slug, i.kind) for i in items] == [("csto", "moved"), ("sco", "moved")]
    assert items[0].after is not None
    # Slot 3 starts 09:00 + (1 + 3) * 90 min = 15:00 New York time (EDT), 19:00 UTC.
    assert items[0].after["start"] == "2013-10-01T19:00:00+00:00"


def test_publish_a_published_plan_is_refused(plan_2013: Plan) -> None:
    osce = Organization.objects.get(slug="osce")
    publish_plan(plan=plan_2013, publisher=osce)

    with pytest.raises(PlannerError) as caught:
        publish_plan(plan=plan_2013, publisher=osce)

    assert caught.value.code == "plan_published"


def test_publish_appends_a_signed_entry_to_the_publishers_record(plan_2013: Plan) -> None:
    from sideline.record.models import RecordEntry

    publish_plan(plan=plan_2013, publisher=Organization.objects.get(slug="osce"))

    entry = RecordEntry.objects.get(subject=f"plan/{plan_2013.pk}")
    assert entry.kind == "calendar.published"
    assert entry.log.organization.slug == "osce"
