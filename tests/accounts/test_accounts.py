"""Accounts: roles, login throttle, API tokens, permission helpers."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from sideline.accounts.enums import Role
from sideline.accounts.errors import AccountError
from sideline.accounts.models import ApiToken, SecurityEvent
from sideline.accounts.permissions import (
    acts_for,
    can_coordinate,
    can_curate,
    can_manage_delegation,
    can_sign_for,
)
from sideline.accounts.services import create_person, create_token, disable_person, set_role
from sideline.accounts.throttle import MAX_FAILURES
from sideline.registry.models import Organization
from tests.accounts.factories import PASSWORD, person


def _ids(*slugs: str) -> list[int]:
    return [Organization.objects.get(slug=slug).pk for slug in slugs]


@pytest.mark.parametrize(
    ("role", "focal", "expected"),
    [
        # role, focal point, (acts own, acts other, signs own, signs other, delegation own, delegation other, coordinate, curate)
        ("viewer", False, (False, False, False, False, False, False, False, False)),
        ("delegate", False, (True, False, False, False, False, False, False, False)),
        ("delegate", True, (True, False, False, False, True, False, False, False)),
        ("signatory", False, (True, False, True, False, True, False, False, False)),
    ],
)
def test_permissions_role_matrix(
    minimal_registry: Path, role: str, focal: bool, expected: tuple[bool, ...]
) -> None:
    user = person("p", organization="csto", role=role, focal_point=focal)
    own, other = _ids("csto", "nato")

    got = (
        acts_for(user, own),
        acts_for(user, other),
        can_sign_for(user, own),
        can_sign_for(user, other),
        can_manage_delegation(user, own),
        can_manage_delegation(user, other),
        can_coordinate(user),
        can_curate(user),
    )

    assert got == expected


@pytest.mark.parametrize(
    ("role", "expected"), [("coordinator", (True, False)), ("curator", (False, True))]
)
def test_permissions_platform_roles(
    minimal_registry: Path, role: str, expected: tuple[bool, bool]
) -> None:
    user = person("p", organization=None, role=role)
    (own,) = _ids("csto")

    assert (can_coordinate(user), can_curate(user)) == expected
    assert acts_for(user, own) is False


def test_permissions_disabled_user_acts_for_nobody(minimal_registry: Path) -> None:
    user = person("p", organization="csto", role="signatory")
    disable_person(username="p")
    user.refresh_from_db()

    assert can_sign_for(user, _ids("csto")[0]) is False


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"organization": None, "role": "delegate"}, "organization_required"),
        ({"organization": "nowhere", "role": "delegate"}, "unknown_organization"),
        ({"organization": "csto", "role": "king"}, "unknown_role"),
        ({"organization": "csto", "role": "viewer", "password": "short"}, "weak_password"),
        ({"organization": "csto", "role": "viewer", "username": "Taken"}, "username_taken"),
    ],
)
def test_create_person_bad_input_refused(
    minimal_registry: Path, kwargs: dict[str, str | None], code: str
) -> None:
    person("taken", organization="csto", role="viewer")
    arguments = {"username": "new", "password": PASSWORD, **kwargs}

    with pytest.raises(AccountError) as caught:
        create_person(**arguments)  # type: ignore[arg-type]  # the table mixes argument types

    assert caught.value.code == code


def test_set_role_moves_person(minimal_registry: Path) -> None:
    person("p", organization="csto", role="viewer")

    changed = set_role(username="p", role="signatory", organization="nato")

    assert (changed.role, changed.organization.slug if changed.organization else None) == (
        "signatory",
        "nato",
    )


def test_login_then_profile(client: Client, minimal_registry: Path) -> None:
    person("alice", organization="csto", role="delegate")

    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    profile = client.get("/accounts/profile/")

    assert response.status_code == 302
    assert profile.status_code == 200
    assert "alice" in profile.content.decode()


def test_login_throttled_after_failures(client: Client, minimal_registry: Path) -> None:
    person("alice", organization="csto", role="delegate")
    for _ in range(MAX_FAILURES):
        client.post("/accounts/login/", {"username": "alice", "password": "wrong-password"})

    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})

    assert response.status_code == 200
    assert "Too many failed logins" in response.content.decode()
    assert list(SecurityEvent.objects.values_list("username", "action", "code")) == [
        ("alice", "login", "too_many_attempts")
    ]


def test_login_throttle_is_per_address(client: Client, minimal_registry: Path) -> None:
    person("alice", organization="csto", role="delegate")
    for _ in range(MAX_FAILURES):
        client.post(
            "/accounts/login/", {"username": "alice", "password": "x"}, REMOTE_ADDR="10.0.0.9"
        )

    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})

    assert response.status_code == 302


def test_login_success_resets_failures(client: Client, minimal_registry: Path) -> None:
    person("alice", organization="csto", role="delegate")
    for _ in range(MAX_FAILURES - 1):
        client.post("/accounts/login/", {"username": "alice", "password": "x"})
    client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"username": "alice", "password": "x"})

    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})

    assert response.status_code == 302


def test_token_stored_hashed_and_authenticates(client: Client, minimal_registry: Path) -> None:
    user = person("alice", organization="csto", role="signatory")
    token, plain = create_token(user=user, name="laptop")

    response = client.get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {plain}")

    assert plain not in {token.digest, token.prefix}
    assert response.status_code == 200
    assert response.json() == {
        "username": "alice",
        "organization": "csto",
        "role": "signatory",
        "focal_point": False,
        "can_coordinate": False,
        "can_curate": False,
    }


@pytest.mark.parametrize("mangle", ["revoked", "disabled", "altered", "garbage"])
def test_token_refused_when_invalid(client: Client, minimal_registry: Path, mangle: str) -> None:
    user = person("alice", organization="csto", role="signatory")
    token, plain = create_token(user=user, name="laptop")
    if mangle == "revoked":
        client.force_login(user)
        client.delete(f"/api/accounts/tokens/{token.pk}")
        client.logout()
    elif mangle == "disabled":
        disable_person(username="alice")
    elif mangle == "altered":
        plain = plain[:-1] + ("A" if plain[-1] != "A" else "B")
    else:
        plain = "not-a-token"

    response = client.get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {plain}")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_token_create_via_api_shows_plain_once(client: Client, minimal_registry: Path) -> None:
    user = person("alice", organization="csto", role="viewer")
    client.force_login(user)

    created = client.post("/api/accounts/tokens", {"name": "ci"}, content_type="application/json")
    listed = client.get("/api/accounts/tokens")

    assert created.status_code == 201
    assert created.json()["token"].startswith("sl_")
    assert "token" not in listed.json()[0]
    assert ApiToken.objects.get().name == "ci"


def test_token_create_via_session_needs_csrf(minimal_registry: Path) -> None:
    user = person("alice", organization="csto", role="viewer")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post("/api/accounts/tokens", {"name": "ci"}, content_type="application/json")

    assert response.status_code == 403
    assert ApiToken.objects.count() == 0


def test_me_anonymous_refused(client: Client, minimal_registry: Path) -> None:
    response = client.get("/api/accounts/me")

    assert (response.status_code, response.json()["error"]["code"]) == (401, "not_authenticated")


def test_role_values_are_stable() -> None:
    assert Role.values == ["viewer", "delegate", "signatory", "coordinator", "curator", "guest"]
