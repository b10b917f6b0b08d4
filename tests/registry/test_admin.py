"""The admin lets curators keep the registry, and nothing else; other roles stay out."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from sideline.accounts.services import set_role
from sideline.registry.models import Source
from tests.accounts.factories import PASSWORD, person

REGISTRY_PAGES = [
    "/admin/",
    "/admin/registry/organization/",
    "/admin/registry/membership/",
    "/admin/registry/membership/add/",
    "/admin/registry/forum/",
    "/admin/registry/forumsession/",
    "/admin/registry/source/",
    "/admin/registry/state/",
    "/admin/registry/mandate/",
    "/admin/registry/relation/",
    "/admin/registry/relation/add/",
]

OTHER_PAGES = [
    "/admin/accounts/person/",
    "/admin/accounts/apitoken/",
    "/admin/accounts/securityevent/",
    "/admin/auth/user/",
    "/admin/auth/group/",
    "/admin/planner/plan/",
    "/admin/record/log/",
    "/admin/record/recordentry/",
]


def _curator(client: Client) -> None:
    person("kurator", organization=None, role="curator")
    assert client.login(username="kurator", password=PASSWORD)


@pytest.mark.parametrize("path", REGISTRY_PAGES)
def test_admin_curator_reads_registry(client: Client, minimal_registry: Path, path: str) -> None:
    _curator(client)

    response = client.get(path)

    assert response.status_code == 200


def test_admin_curator_logs_in_through_the_admin_form(
    client: Client, minimal_registry: Path
) -> None:
    person("kurator", organization=None, role="curator")

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "kurator", "password": PASSWORD, "next": "/admin/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_admin_curator_adds_and_changes_a_source(client: Client, minimal_registry: Path) -> None:
    _curator(client)
    fields = {
        "key": "osce-2026-facts",
        "title": "OSCE facts",
        "publisher": "OSCE",
        "url": "https://www.osce.org/",
        "accessed": "2026-11-30",
        "note": "",
    }

    added = client.post("/admin/registry/source/add/", fields)
    source = Source.objects.get(key="osce-2026-facts")
    changed = client.post(
        f"/admin/registry/source/{source.pk}/change/", {**fields, "title": "OSCE facts 2026"}
    )

    assert (added.status_code, changed.status_code) == (302, 302)
    assert Source.objects.get(pk=source.pk).title == "OSCE facts 2026"


@pytest.mark.parametrize("path", OTHER_PAGES)
def test_admin_curator_refused_outside_registry(
    client: Client, minimal_registry: Path, path: str
) -> None:
    _curator(client)

    response = client.get(path)

    assert response.status_code == 403


@pytest.mark.parametrize("role", ["viewer", "delegate", "signatory"])
def test_admin_other_roles_sent_to_login(client: Client, minimal_registry: Path, role: str) -> None:
    person("someone", organization="nato", role=role)
    client.login(username="someone", password=PASSWORD)

    response = client.get("/admin/registry/organization/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_former_curator_loses_the_admin(client: Client, minimal_registry: Path) -> None:
    _curator(client)
    set_role(username="kurator", role="viewer", organization="nato")

    response = client.get("/admin/registry/organization/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_membership_with_two_participants_is_a_form_error(
    client: Client, minimal_registry: Path
) -> None:
    from sideline.registry.models import Membership, Organization, State

    _curator(client)
    csto = Organization.objects.get(slug="csto")
    nato = Organization.objects.get(slug="nato")
    before = Membership.objects.count()

    response = client.post(
        "/admin/registry/membership/add/",
        {
            "organization": csto.pk,
            "state": State.objects.get(code="KAZ").pk,
            "participant_organization": nato.pk,
            "status": "observer",
            "start": "2005",
            "end": "",
            "source": Source.objects.get(key="test-source").pk,
            "note": "",
        },
    )

    assert response.status_code == 200
    assert "Give either a state or a participating organization, not both." in (
        response.content.decode()
    )
    assert Membership.objects.count() == before
