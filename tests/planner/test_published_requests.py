"""Published versions never change: not through a later version reusing a request's id."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from sideline.planner.models import Plan
from sideline.planner.services import PlannerError, create_plan, publish_plan
from sideline.registry.models import Organization
from tests.planner.factory import FAST, REQUESTS

# NATO and CSTO attend no common session in 2013: r4 stays unplaced in every version.
UNPLACED = {
    "id": "r4",
    "organizations": ["nato", "csto"],
    "topic": "counter-narcotics",
    "priority": 1,
}


@pytest.fixture
def published(registry: None) -> Plan:
    plan = create_plan(year=2013, requests=[*REQUESTS, UNPLACED], origin="file", options=FAST)
    return publish_plan(plan=plan, publisher=Organization.objects.get(slug="osce"))


def _changed(**change: Any) -> list[dict[str, Any]]:
    return [{**REQUESTS[0], **change}, *REQUESTS[1:], UNPLACED]


@pytest.mark.parametrize(
    "change",
    [{"organizations": ["csto", "eu"]}, {"topic": "border security"}],
)
def test_a_new_version_cannot_reuse_a_published_id_for_another_request(
    published: Plan, change: dict[str, Any]
) -> None:
    with pytest.raises(PlannerError) as refused:
        create_plan(year=2013, requests=_changed(**change), origin="file", options=FAST)

    error = refused.value
    assert (error.code, error.field, error.source) == ("request_published", "$[0]", "requests")
    assert error.message.startswith(
        "$[0]: 'r1' is in a published version of 2013 between csto, sco on 'counter-terrorism'"
    )
    assert Plan.objects.filter(year=2013).count() == 1
    shown = published.meetings.get(request__key="r1").request
    assert sorted(o.slug for o in shown.organizations.all()) == ["csto", "sco"]
    assert shown.topic == "counter-terrorism"


def test_the_command_names_the_file_and_path(published: Plan, tmp_path: Path) -> None:
    file = tmp_path / "requests.json"
    file.write_text(json.dumps(_changed(organizations=["csto", "eu"])), encoding="utf-8")

    with pytest.raises(CommandError) as refused:
        call_command("plan", "2013", "--requests", str(file), "--time-limit", "5")

    assert refused.value.returncode == 2
    assert str(refused.value).startswith(f"{file}: $[0]: 'r1' is in a published version of 2013")


def test_a_new_priority_is_allowed_and_the_published_version_keeps_its_own(
    client: Client, published: Plan
) -> None:
    later = create_plan(
        year=2013,
        requests=[*REQUESTS, {**UNPLACED, "priority": 9}],
        origin="file",
        options=FAST,
    )

    page = client.get(f"/planner/plans/{published.pk}/").content.decode()
    api = client.get(f"/api/planner/plans/{published.pk}/unplaced").json()

    assert later.version == 2
    assert "<strong>r4</strong> (CSTO, NATO; priority 1)" in page
    assert [(u["request"], u["priority"]) for u in api] == [("r4", 1)]
