"""A calendar is published, and signed, only by an organization this node hosts."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from sideline.planner.forms import PublishForm
from sideline.planner.models import Plan
from sideline.planner.services import PlannerError, publish_plan
from sideline.record.models import RecordEntry
from sideline.registry.models import Organization

NATO_ONLY = override_settings(SIDELINE_ORGANIZATIONS=("nato",))
REFUSAL = (
    "This node does not host osce, so it cannot sign the publication; "
    "choose an organization this node hosts."
)


def test_nato_node_refuses_osce_as_publisher_and_leaves_the_draft(plan_2013: Plan) -> None:
    with NATO_ONLY, pytest.raises(PlannerError) as caught:
        publish_plan(plan=plan_2013, publisher=Organization.objects.get(slug="osce"))

    assert (caught.value.code, caught.value.field, caught.value.message) == (
        "not_hosted",
        "publisher",
        REFUSAL,
    )
    plan_2013.refresh_from_db()
    assert plan_2013.is_draft
    assert not RecordEntry.objects.exists()


def test_nato_node_publishes_as_nato(plan_2013: Plan) -> None:
    with NATO_ONLY:
        publish_plan(plan=plan_2013, publisher=Organization.objects.get(slug="nato"))

    assert list(RecordEntry.objects.values_list("log__organization__slug", flat=True)) == ["nato"]


def test_publish_form_offers_only_hosted_organizations(registry: None) -> None:
    with NATO_ONLY:
        field: Any = PublishForm().fields["publisher"]
        choices = [org.slug for org in field.queryset]

    assert choices == ["nato"]


def test_plan_command_refuses_a_publisher_not_hosted_before_planning(registry: None) -> None:
    with NATO_ONLY, pytest.raises(CommandError) as caught:
        call_command("plan", "2013", "--publish", "--publisher", "osce")

    assert str(caught.value) == f"--publisher: {REFUSAL}"
    assert caught.value.returncode == 2
    assert not Plan.objects.exists()


def test_publish_page_shows_the_refusal_as_a_form_error(
    client: Client, plan_2013: Plan, coordinator: Any
) -> None:
    client.force_login(coordinator)

    with NATO_ONLY:
        response = client.post(f"/planner/plans/{plan_2013.pk}/publish/", {"publisher": "osce"})

    assert response.status_code == 302
    plan_2013.refresh_from_db()
    assert plan_2013.is_draft
