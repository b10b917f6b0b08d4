"""`planner.permissions`: who may change plans, both ways."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, Permission

from sideline.planner.services import (
    can_coordinate,
)


def test_can_coordinate_coordinator_role_or_permission_only(
    registry: None, django_user_model: Any
) -> None:
    from sideline.accounts.services import create_person

    coordinator = create_person(
        username="c", organization="osce", role="coordinator", password="a-long-passphrase"
    ).user
    signatory = create_person(
        username="sig", organization="osce", role="signatory", password="a-long-passphrase"
    ).user
    staff = django_user_model.objects.create_user(username="s", is_staff=True)
    granted = django_user_model.objects.create_user(username="g")
    granted.user_permissions.add(Permission.objects.get(codename="change_plan"))

    assert can_coordinate(coordinator) is True
    assert can_coordinate(django_user_model.objects.get(username="g")) is True
    assert can_coordinate(signatory) is False
    assert can_coordinate(staff) is False  # being staff is not a role of the mechanism
    assert can_coordinate(AnonymousUser()) is False
