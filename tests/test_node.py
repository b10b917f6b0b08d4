"""Which organizations a node hosts: SIDELINE_ORGANIZATIONS, `init --organization`, default."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from sideline.config import ConfigurationError, load_config
from sideline.node import (
    NodeError,
    configured_organizations,
    host_organizations,
    hosted_organizations,
    hosts_every_organization,
    require_hosted,
)
from sideline.record.models import HostedOrganization
from sideline.registry.models import Organization

pytestmark = pytest.mark.usefixtures("registry")


def test_default_node_hosts_every_organization_of_the_registry() -> None:
    assert configured_organizations() is None
    assert hosted_organizations() == set(Organization.objects.values_list("slug", flat=True))
    assert hosts_every_organization()


@override_settings(SIDELINE_ORGANIZATIONS=("nato",))
def test_setting_limits_the_node_to_its_organizations() -> None:
    assert hosted_organizations() == {"nato"}
    assert not hosts_every_organization()


@override_settings(SIDELINE_ORGANIZATIONS=("nato", "warsaw-pact"))
def test_setting_with_an_unknown_code_names_it() -> None:
    with pytest.raises(NodeError) as caught:
        hosted_organizations()

    assert caught.value.code == "unknown_organization"
    assert caught.value.message.startswith(
        "SIDELINE_ORGANIZATIONS: no organization 'warsaw-pact' in the registry"
    )


def test_host_organizations_records_and_adds() -> None:
    assert host_organizations(["nato"]) == ["nato"]
    assert host_organizations(["csto", "nato"]) == ["csto", "nato"]

    assert hosted_organizations() == {"csto", "nato"}


def test_host_organizations_refuses_an_unknown_code_and_stores_nothing() -> None:
    with pytest.raises(NodeError) as caught:
        host_organizations(["nato", "warsaw-pact"])

    assert caught.value.message.startswith(
        "--organization: no organization 'warsaw-pact' in the registry"
    )
    assert not HostedOrganization.objects.exists()


@override_settings(SIDELINE_ORGANIZATIONS=("osce",))
def test_setting_overrides_what_init_recorded() -> None:
    host_organizations(["nato"])

    assert hosted_organizations() == {"osce"}


@override_settings(SIDELINE_ORGANIZATIONS=("nato",))
def test_require_hosted_names_the_organization_and_the_hosted_ones() -> None:
    require_hosted("nato", action="sign")
    with pytest.raises(NodeError) as caught:
        require_hosted("csto", action="sign for it")

    assert caught.value.code == "not_hosted"
    assert caught.value.message.startswith(
        "this node does not host 'csto' (it hosts nato), so it cannot sign for it"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [("nato", ("nato",)), (" nato , csto,nato ", ("nato", "csto")), ("", None)],
)
def test_config_reads_organization_codes(
    value: str, expected: tuple[str, ...] | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIDELINE_ORGANIZATIONS", value)

    assert load_config().organizations == expected


def test_config_refuses_a_malformed_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIDELINE_ORGANIZATIONS", "nato,NATO!")

    with pytest.raises(ConfigurationError) as caught:
        load_config()

    assert str(caught.value) == (
        "SIDELINE_ORGANIZATIONS: 'NATO!' is not an organization code; "
        "give lowercase codes separated by commas, e.g. nato or nato,csto"
    )


def test_cli_reports_a_malformed_code_in_one_line(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "SIDELINE_DATA_DIR": str(tmp_path),
        "SIDELINE_ORGANIZATIONS": "NATO!",
    }
    result = subprocess.run(
        [sys.executable, "-m", "sideline.cli", "check"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "sideline: SIDELINE_ORGANIZATIONS: 'NATO!' is not an organization code; "
        "give lowercase codes separated by commas, e.g. nato or nato,csto"
    ]
