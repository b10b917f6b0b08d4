"""``sideline record …`` subcommands run in-process with call_command."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from sideline.record.services import append_entry

pytestmark = pytest.mark.usefixtures("minimal_registry")


def _run(*args: str) -> str:
    out = StringIO()
    call_command("record", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _two_logs() -> None:
    append_entry(organization="csto", kind="meeting.created", subject="meeting/1")
    append_entry(organization="nato", kind="meeting.created", subject="meeting/1")
    append_entry(organization="nato", kind="meeting.created", subject="meeting/2")


def test_logs_json_prints_the_same_list_as_the_endpoint(client: Client) -> None:
    _two_logs()

    printed = json.loads(_run("logs", "--json"))

    assert printed == client.get("/record/logs").json()


def test_checkpoint_without_organizations_is_a_usage_error() -> None:
    with pytest.raises(CommandError) as caught:
        _run("checkpoint")

    assert (str(caught.value), caught.value.returncode) == ("name organizations or give --all", 2)


def test_checkpoint_all_then_witness_accepts_every_log() -> None:
    _two_logs()

    checkpointed = _run("checkpoint", "--all")
    witnessed = _run("witness")
    status = _run("status")

    assert checkpointed == (
        "csto: checkpoint of size 1, awaiting cosignatures\n"
        "nato: checkpoint of size 2, awaiting cosignatures\n"
    )
    assert witnessed == "2 logs checkpointed, 2 cosignatures, 2 accepted\n"
    assert status == (
        "csto     size 1, checkpoint 1, accepted 1\nnato     size 2, checkpoint 2, accepted 2\n"
    )


def test_checkpoint_unknown_organization_is_one_line_error() -> None:
    with pytest.raises(CommandError) as caught:
        _run("checkpoint", "warsaw-pact")

    assert str(caught.value) == (
        "unknown_organization: no organization 'warsaw-pact' in the registry"
    )


def test_verify_neither_url_nor_mirror_is_a_usage_error(tmp_path: object) -> None:
    with pytest.raises(CommandError) as caught:
        _run("verify", "/nonexistent/mirror")

    assert caught.value.returncode == 2
    assert str(caught.value) == (
        "/nonexistent/mirror is neither an http(s) URL nor a mirror folder with logs.json"
    )
