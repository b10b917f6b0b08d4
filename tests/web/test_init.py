"""`sideline init --organization` and `serve` with the organizations a node hosts."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from sideline.accounts.models import Person
from sideline.meetings.models import Meeting
from sideline.record.models import HostedOrganization, KeyPurpose, Log, LogKey
from sideline.record.services import ensure_log

pytestmark = pytest.mark.usefixtures("registry")


def _init(*args: str) -> str:
    err = StringIO()
    call_command("init", *args, stdout=StringIO(), stderr=err)
    return err.getvalue()


def _keys() -> list[tuple[str, str, str]]:
    return sorted(
        LogKey.objects.values_list("log__organization__slug", "purpose", "vkey").order_by()
    )


def test_init_organization_then_init_again_is_idempotent() -> None:
    first = _init("--organization", "nato")
    keys = _keys()
    again = _init()

    assert list(HostedOrganization.objects.values_list("organization__slug", flat=True)) == ["nato"]
    assert list(Log.objects.values_list("organization__slug", flat=True)) == ["nato"]
    assert [(org, purpose) for org, purpose, _ in keys] == [
        ("nato", purpose) for purpose in sorted(KeyPurpose.values)
    ]
    assert _keys() == keys
    for output in (first, again):
        assert "node: hosts nato" in output
        assert "demo: skipped; it needs a node that hosts every organization" in output
    assert not Meeting.objects.exists()
    assert not Person.objects.exists()


def test_init_unknown_organization_is_a_one_line_usage_error() -> None:
    with pytest.raises(CommandError) as caught:
        _init("--organization", "nato", "--organization", "warsaw-pact", "--no-demo")

    assert str(caught.value) == (
        "--organization: no organization 'warsaw-pact' in the registry; "
        "see /organizations/ for the codes"
    )
    assert caught.value.returncode == 2
    assert not HostedOrganization.objects.exists()
    assert not Log.objects.exists()


@override_settings(SIDELINE_ORGANIZATIONS=("nato",))
def test_init_organization_beside_the_setting_is_refused() -> None:
    with pytest.raises(CommandError) as caught:
        _init("--organization", "csto")

    assert caught.value.returncode == 2
    assert str(caught.value).startswith("--organization: SIDELINE_ORGANIZATIONS is set")


@override_settings(SIDELINE_ORGANIZATIONS=("nato", "csto"))
def test_init_makes_the_keys_of_the_organizations_the_setting_names() -> None:
    output = _init("--no-demo")

    assert "node: hosts csto, nato" in output
    assert sorted(Log.objects.values_list("organization__slug", flat=True)) == ["csto", "nato"]
    assert not HostedOrganization.objects.exists()


def test_default_init_makes_no_log_and_completes_older_logs_keys() -> None:
    ensure_log(organization="osce")
    LogKey.objects.filter(purpose=KeyPurpose.ENCRYPTION).delete()

    output = _init("--no-demo")

    assert "node: hosts every organization of the registry" in output
    assert "record: osce: keys completed" in output
    assert list(Log.objects.values_list("organization__slug", flat=True)) == ["osce"]
    assert LogKey.objects.filter(purpose=KeyPurpose.ENCRYPTION).count() == 1


@override_settings(SIDELINE_ORGANIZATIONS=("warsaw-pact",))
def test_serve_with_an_unknown_hosted_code_is_one_line() -> None:
    with pytest.raises(CommandError) as caught:
        call_command("serve", "--port", "8766")

    assert str(caught.value).startswith(
        "SIDELINE_ORGANIZATIONS: no organization 'warsaw-pact' in the registry"
    )
    assert caught.value.returncode == 2
