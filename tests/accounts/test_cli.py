"""``sideline users add|role|disable``, including bad input."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from sideline.accounts.models import Person
from tests.accounts.factories import PASSWORD


def users(*args: str) -> str:
    out = io.StringIO()
    call_command("users", *args, stdout=out)
    return out.getvalue()


def test_users_add_with_password_from_environment(
    minimal_registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIDELINE_NEW_PASSWORD", PASSWORD)

    output = users("add", "alice", "--role", "delegate", "--organization", "csto")

    assert output == "added alice (delegate, csto)\n"
    assert get_user_model().objects.get(username="alice").check_password(PASSWORD)


def test_users_add_without_password_is_unusable(minimal_registry: Path) -> None:
    output = users("add", "bob", "--role", "coordinator")

    assert output.splitlines()[1] == "no password set; run `sideline changepassword bob`"
    assert not get_user_model().objects.get(username="bob").has_usable_password()


def test_users_role_and_disable(minimal_registry: Path) -> None:
    users("add", "alice", "--role", "viewer", "--organization", "csto")

    changed = users("role", "alice", "signatory", "--organization", "nato", "--focal-point")
    disabled = users("disable", "alice")

    assert changed == "changed alice (signatory, nato)\n"
    assert disabled == "disabled alice; their tokens are revoked\n"
    person = Person.objects.select_related("user").get()
    assert (person.focal_point, person.user.is_active) == (True, False)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("add", "x", "--role", "delegate"),
            "organization: the role delegate acts for an organization; give its slug",
        ),
        (
            ("add", "x", "--role", "delegate", "--organization", "nowhere"),
            "organization: no organization 'nowhere'; see /organizations/",
        ),
        (("role", "ghost", "viewer"), "username: no person 'ghost'"),
        (("disable", "ghost"), "username: no person 'ghost'"),
        (
            ("add", "x", "--role", "king", "--organization", "csto"),
            "Error: argument --role: invalid choice: 'king' (choose from 'viewer', 'delegate', 'signatory', 'coordinator', 'curator', 'guest')",
        ),
    ],
)
def test_users_bad_input_one_line(
    minimal_registry: Path, args: tuple[str, ...], message: str
) -> None:
    with pytest.raises(CommandError) as caught:
        users(*args)

    assert str(caught.value) == message
    assert Person.objects.count() == 0
