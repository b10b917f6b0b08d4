"""A node with peers refuses to serve under the default record host (issue 11, item 8)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sideline.record.models import Log, Peer
from sideline.record.services import default_host_with_peers, ensure_log

pytestmark = pytest.mark.django_db


def test_a_node_alone_may_keep_the_default_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SIDELINE_RECORD_HOST", raising=False)
    ensure_log(organization="nato")

    assert default_host_with_peers() is None


def test_serve_with_peers_and_no_record_host_is_refused_in_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SIDELINE_RECORD_HOST", raising=False)
    Peer.objects.create(url="http://peer.example:8000")

    with pytest.raises(CommandError) as caught:
        call_command("serve", "--port", "8767")

    assert caught.value.returncode == 2
    assert str(caught.value).startswith(
        "SIDELINE_RECORD_HOST is not set and this node has peers: its logs would share "
        "the default origin host sideline.example"
    )
    assert "\n" not in str(caught.value)


def test_logs_made_on_the_default_host_are_refused_even_once_the_host_is_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SIDELINE_RECORD_HOST", raising=False)
    ensure_log(organization="nato")
    Peer.objects.create(url="http://peer.example:8000")
    monkeypatch.setenv("SIDELINE_RECORD_HOST", "nato.example")

    refusal = default_host_with_peers()

    assert refusal is not None
    assert "sideline.example/record/nato" in refusal
    assert "start this node afresh" in refusal


def test_a_node_with_its_own_host_serves_with_peers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIDELINE_RECORD_HOST", "nato.example")
    Log.objects.filter(origin__startswith="sideline.example/").delete()
    ensure_log(organization="nato")
    Peer.objects.create(url="http://peer.example:8000")

    assert Log.objects.get(organization__slug="nato").origin == "nato.example/record/nato"
    assert default_host_with_peers() is None
