"""The record pages alert when a peer publishes keys nobody here has approved."""

from __future__ import annotations

import pytest
from django.test import Client

from sideline.record.models import Peer, Replica
from sideline.record.services import append_entry
from sideline.record.sync import EMPTY_ROOT

KEY = "nato+1234abcd+AAAA"


@pytest.fixture
def waiting(db: None) -> Replica:
    peer = Peer.objects.create(url="http://b.example:8000/")
    return Replica.objects.create(
        peer=peer,
        organization="nato",
        origin="b.example/record/nato",
        root_hash=EMPTY_ROOT,
        size=3,
        entry_keys=["nato+0000+old"],
        pending_keys={"entry_keys": [KEY]},
    )


def test_log_list_names_the_waiting_key_and_the_command(client: Client, waiting: Replica) -> None:
    html = client.get("/record/").content.decode()

    assert 'data-testid="waiting-keys-alert"' in html
    assert "the log b.example/record/nato served by http://b.example:8000/ publishes keys" in html
    assert f"<code>entry key {KEY}</code>" in html
    assert "this node's copy stays at size 3" in html
    assert "<code>sideline record sync http://b.example:8000/ --accept-keys</code>" in html


def test_alert_is_in_russian_and_gone_once_approved(client: Client, waiting: Replica) -> None:
    russian = client.get("/record/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Ключи ждут одобрения" in russian

    waiting.entry_keys = [*waiting.entry_keys, KEY]
    waiting.pending_keys = {}
    waiting.save()

    assert b"waiting-keys-alert" not in client.get("/record/").content


def test_only_the_log_concerned_shows_it(client: Client, registry: None, waiting: Replica) -> None:
    for org in ("csto", "nato"):
        append_entry(organization=org, kind="meeting.created", subject="meeting/1")

    csto = client.get("/record/csto/")
    nato = client.get("/record/nato/")

    assert (csto.status_code, nato.status_code) == (200, 200)
    assert b"waiting-keys-alert" not in csto.content
    assert b"waiting-keys-alert" in nato.content
