"""The concern rows are the projection of the ops: service → op → reducer → rows."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from sideline.prevention.concern_projection import (
    node_concerns,
    rebuild_concerns,
    stored_concerns,
)
from sideline.prevention.models import Concern, Endorsement
from sideline.prevention.services import close_concern, endorse_concern, raise_concern
from sideline.registry.models import Organization, State
from tests.accounts.factories import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(registry: None) -> dict[str, Any]:
    return {
        f"{org}-{role}": person(f"{org}-{role}", organization=org, role=role)
        for org in ("osce", "sco", "csto", "nato")
        for role in ("delegate", "signatory")
    }


def raised(people: dict[str, Any], *, public: bool, text: str = "Heavy weapons moved.") -> Concern:
    return raise_concern(
        actor=people["osce-delegate"],
        organization="osce",
        state="KGZ",
        other_state="TJK",
        title="Troops at the Batken border",
        text=text,
        severity=3,
        sources=["https://example.org/report-1"],
        concerned=["sco", "csto"],
        public=public,
    )


@pytest.mark.parametrize("public", [True, False])
def test_rows_made_by_the_services_are_the_projection_of_their_ops(
    people: dict[str, Any], public: bool
) -> None:
    concern = raised(people, public=public)
    endorse_concern(actor=people["sco-delegate"], concern=concern, organization="sco", note="Seen.")
    close_concern(actor=people["osce-signatory"], concern=concern)

    expected = node_concerns()

    assert expected == stored_concerns()
    assert expected[str(concern.op_id)] == {
        "raised_by": "osce",
        "state": "KGZ",
        "other_state": "TJK",
        "severity": 3,
        "concerned": ["csto", "osce", "sco"],
        "public": public,
        "status": "closed",
        "title": "Troops at the Batken border",
        "text": "Heavy weapons moved.",
        "sources": ["https://example.org/report-1"],
        "endorsements": [["sco", "Seen."]],
    }
    assert rebuild_concerns(check=True).differences == []


def test_an_endorsement_written_into_the_database_is_found_and_undone(
    people: dict[str, Any],
) -> None:
    concern = raised(people, public=True)
    Endorsement.objects.create(concern=concern, organization=Organization.objects.get(slug="nato"))
    Concern.objects.filter(pk=concern.pk).update(status="closed", severity=4)

    report = rebuild_concerns()

    assert report.differences == [
        f"concern {concern.op_id}: endorsements: rows [['nato', '']], ops []",
        f"concern {concern.op_id}: severity: rows 4, ops 3",
        f"concern {concern.op_id}: status: rows 'closed', ops 'open'",
    ]
    assert report.rebuilt
    assert list(Endorsement.objects.all()) == []
    assert Concern.objects.values_list("status", "severity").get() == ("open", 3)


def test_rows_lost_are_made_again_from_the_ops(people: dict[str, Any]) -> None:
    concern = raised(people, public=True)
    endorse_concern(actor=people["csto-delegate"], concern=concern, organization="csto")
    Concern.objects.all().delete()

    report = rebuild_concerns()

    made = Concern.objects.get()
    assert report.differences == [
        f"concern {concern.op_id}: made by the ops, missing from the rows"
    ]
    assert (made.op_id, made.author, made.title) == (
        concern.op_id,
        None,
        "Troops at the Batken border",
    )
    assert [e.organization.slug for e in made.endorsements.all()] == ["csto"]


def test_a_row_no_op_made_is_removed(people: dict[str, Any]) -> None:
    concern = raised(people, public=True)
    Concern.objects.filter(pk=concern.pk).update(op_id="osce/k-forged")

    rebuild_concerns()

    assert list(Concern.objects.values_list("op_id", flat=True)) == [concern.op_id]


def test_a_confidential_concern_leaves_no_row_on_a_node_of_no_organization_concerned(
    people: dict[str, Any],
) -> None:
    secret = "CANARY-3c9f-Vorukh"
    public = raised(people, public=True)
    confidential = raised(people, public=False, text=secret)

    # The same logs, read by a node that hosts NATO only: it holds every envelope and
    # opens none of the concern's, which was sealed to the OSCE, the SCO and the CSTO.
    with override_settings(SIDELINE_ORGANIZATIONS=("nato",)):
        outsider = node_concerns()
        rebuild_concerns()

    assert sorted(outsider) == [public.op_id]
    assert secret not in repr(outsider)
    assert list(Concern.objects.values_list("op_id", flat=True)) == [public.op_id]
    with override_settings(SIDELINE_ORGANIZATIONS=("csto",)):
        rebuild_concerns()
        assert Concern.objects.get(op_id=confidential.op_id).text == secret


def test_a_concern_about_a_state_this_registry_lacks_is_listed_not_shown(
    people: dict[str, Any],
) -> None:
    # A state another node's registry holds and this one does not (yet).
    State.objects.create(code="XKX", name_en="Kosovo", name_ru="Косово")
    concern = raise_concern(
        actor=people["osce-delegate"],
        organization="osce",
        state="XKX",
        title="Tension in the north",
        text="Roadblocks.",
        severity=2,
        public=True,
    )
    Concern.objects.all().delete()
    State.objects.filter(code="XKX").delete()

    report = rebuild_concerns()

    assert report.unshown == [f"concern {concern.op_id}: not in this node's registry: XKX"]
    assert report.differences == []
    assert not Concern.objects.exists()


def test_check_command_names_a_tampered_concern_and_exits_non_zero(
    people: dict[str, Any],
) -> None:
    concern = raised(people, public=True)
    Concern.objects.filter(pk=concern.pk).update(title="Forged")
    out = StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("federation_rebuild", "--check", stdout=out)

    assert str(caught.value) == "1 difference(s) between the rows and the ops"
    assert out.getvalue() == (
        f"concern {concern.op_id}: title: rows 'Forged', ops 'Troops at the Batken border'\n"
    )
    call_command("federation_rebuild", stdout=out)
    assert Concern.objects.get().title == "Troops at the Batken border"
