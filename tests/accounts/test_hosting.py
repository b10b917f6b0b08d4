"""A node's people belong to the organizations it hosts (issue 12, item 1)."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory, override_settings

from sideline.accounts.errors import AccountError
from sideline.accounts.models import Person
from sideline.accounts.services import create_person, set_role
from sideline.meetings.errors import MeetingError
from sideline.meetings.services import accept_invitation, create_meeting, invite_delegate
from tests.accounts.factories import person

pytestmark = pytest.mark.usefixtures("registry")

NATO_ONLY = override_settings(SIDELINE_ORGANIZATIONS=("nato",))
REFUSAL = (
    "organization: this node does not host 'csto' (it hosts nato); "
    "register csto's people on its own node"
)


@pytest.mark.parametrize(
    ("role", "focal_point"),
    [("viewer", False), ("delegate", False), ("signatory", True)],
)
def test_nato_node_refuses_a_person_of_csto(role: str, focal_point: bool) -> None:
    with NATO_ONLY, pytest.raises(AccountError) as caught:
        create_person(
            username="ivan", organization="csto", role=role, focal_point=focal_point, password=None
        )

    assert (caught.value.code, caught.value.field, caught.value.message) == (
        "not_hosted",
        "organization",
        REFUSAL,
    )
    assert not get_user_model().objects.filter(username="ivan").exists()


def test_nato_node_registers_its_own_people_and_organizationless_roles() -> None:
    with NATO_ONLY:
        nato = create_person(
            username="anna", organization="nato", role="signatory", focal_point=True
        )
        coordinator = create_person(username="coord", organization=None, role="coordinator")

    assert (nato.organization.slug, nato.focal_point) == ("nato", True)  # type: ignore[union-attr]
    assert coordinator.organization is None


def test_nato_node_does_not_move_a_person_to_csto() -> None:
    person("anna", organization="nato", role="delegate")

    with NATO_ONLY, pytest.raises(AccountError) as caught:
        set_role(username="anna", role="delegate", organization="csto")

    assert caught.value.message == REFUSAL
    assert Person.objects.get(user__username="anna").organization.slug == "nato"  # type: ignore[union-attr]


def test_default_node_registers_people_of_every_organization() -> None:
    person("anna", organization="nato", role="delegate")
    person("ivan", organization="csto", role="delegate")

    assert Person.objects.count() == 2


def test_users_command_refuses_csto_on_nato_node_in_one_line() -> None:
    with NATO_ONLY, pytest.raises(CommandError) as caught:
        call_command("users", "add", "ivan", "--role", "delegate", "--organization", "csto")

    assert str(caught.value) == REFUSAL
    assert not Person.objects.exists()


def test_admin_offers_only_hosted_organizations() -> None:
    admin_user = get_user_model().objects.create_superuser("root", "root@example.org", "x" * 12)
    request = RequestFactory().get("/admin/accounts/person/add/")
    request.user = admin_user
    with NATO_ONLY:
        form = site._registry[Person].get_form(request)()
        choices = [str(org.slug) for org in form.fields["organization"].queryset]

    assert choices == ["nato"]


def test_invitation_to_csto_cannot_create_a_csto_account_on_nato_node() -> None:
    nato = person("anna", organization="nato", role="signatory")
    csto_focal = person("ivan", organization="csto", role="signatory", focal_point=True)
    meeting = create_meeting(
        actor=nato,
        title="Counter-narcotics",
        host="nato",
        cohost="csto",
        participants=[],
        date=date(2013, 9, 25),
    )
    secrets: list[str] = []
    for actor, email in ((csto_focal, "olga@example.org"), (nato, "eve@example.org")):
        invite_delegate(
            actor=actor,
            meeting=meeting,
            name=email.split("@")[0],
            email=email,
            accept_url=lambda secret: secrets.append(secret) or f"https://n.example/{secret}",
        )

    with NATO_ONLY:
        with pytest.raises(MeetingError) as caught:
            accept_invitation(secret=secrets[0], username="olga", password="a-long-passphrase-1")
        accepted = accept_invitation(
            secret=secrets[1], username="eve", password="a-long-passphrase-1"
        )

    assert (caught.value.code, caught.value.message) == ("not_hosted", REFUSAL)
    assert not get_user_model().objects.filter(username="olga").exists()
    # The new account is a guest of no organization, acting only in NATO's delegation.
    assert accepted.organization.slug == "nato"
    assert accepted.user.person.organization is None  # type: ignore[union-attr]
