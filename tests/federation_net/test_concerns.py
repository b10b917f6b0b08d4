"""Concerns across real nodes: raised on the OSCE's node, they reach the CSTO's node by
push and pull, become rows there by projection, and a concern about states that belong
to two of the organizations becomes a suggested meeting request its coordinator places
(issue 18, items 3 and 4). A confidential one is read by the organizations concerned
only: NATO's node holds its envelope and no byte of its text.

Real `sideline serve` processes (tests/federation_net/conftest.py); each organization
acts only on its own node, through the prevention services, from an agent process kept
open (one Django start-up per node). The test waits for outcomes with generous timeouts
and never measures speed. It uses the honest nodes only (NATO, the CSTO, the OSCE).
"""

from __future__ import annotations

import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sideline.record.localnet import Agent, LocalFederation, LocalNode

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("federation_net")]

_TIMEOUT = 300.0

# The actions of a node's people on concerns, one JSON request a line (as localnet's
# meeting agent): the organization's signatory raises and endorses; a coordinator of the
# node places the suggested consultation.
_SCRIPT = """
import datetime, json, os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sideline.settings")
django.setup()
from django.contrib.auth import get_user_model
from django.db import connection
from sideline.accounts.services import create_person
from sideline.planner.models import MeetingRequest
from sideline.prevention import selectors, services
from sideline.prevention.models import Concern
org = sys.argv[1]

def signatory():
    return get_user_model().objects.get(username=f"{org}-signatory")

def coordinator():
    found = get_user_model().objects.filter(username="coordinator").first()
    if found is None:
        found = create_person(username="coordinator", email="coordinator@example.org",
            organization=None, role="coordinator", password=os.urandom(12).hex()).user
    return found

def act(request):
    what = request["action"]
    if what == "raise":
        made = services.raise_concern(
            actor=signatory(), organization=org, state=request["state"],
            other_state=request.get("other_state"), title=request["title"],
            text=request["text"], severity=request["severity"],
            sources=request.get("sources", []), concerned=request["concerned"],
            public=request["public"])
        return {"concern": made.op_id}
    found = Concern.objects.filter(op_id=request.get("concern", "")).first()
    if what == "show":
        if found is None:
            return {"concern": None}
        return {
            "concern": found.op_id, "by": found.organization.slug, "text": found.text,
            "status": found.status, "public": found.public,
            "concerned": sorted(found.concerned.values_list("slug", flat=True)),
            "endorsed_by": sorted(found.endorsements.values_list("organization__slug", flat=True)),
        }
    if what == "endorse":
        services.endorse_concern(actor=signatory(), concern=found, organization=org,
            note=request.get("note", ""))
        return {}
    if what == "consult":
        day = datetime.date.fromisoformat(request["day"])
        suggestion = selectors.suggest_for_concern(found, day=day)
        placed = services.place_consultation(
            actor=coordinator(), concern=found, organizations=list(suggestion.organizations),
            priority=suggestion.priority, year=request["year"])
        meeting_request = MeetingRequest.objects.get(key=placed.request_key)
        return {
            "suggested": list(suggestion.organizations), "priority": suggestion.priority,
            "key": meeting_request.key, "topic": meeting_request.topic,
            "organizations": sorted(meeting_request.organizations.values_list("slug", flat=True)),
        }
    if what == "tables_holding":
        # On PostgreSQL the rows are not in the node's folder: look in every table.
        if connection.vendor != "postgresql":
            return {"tables": []}
        found_in = []
        with connection.cursor() as cursor:
            for table in connection.introspection.table_names():
                cursor.execute(f'SELECT count(*) FROM "{table}" t WHERE t::text LIKE %s',
                    ["%" + request["needle"] + "%"])
                if cursor.fetchone()[0]:
                    found_in.append(table)
        return {"tables": found_in}
    return {"error": f"unknown action {what!r}"}

for line in sys.stdin:
    try:
        answer = act(json.loads(line))
    except services.ConcernError as error:
        answer = {"error": f"{error.code}: {error.message}"}
    print(json.dumps(answer), flush=True)
"""


class _ConcernAgent(Agent):
    """A node's people acting on concerns from one process (see ``_SCRIPT``)."""

    def __init__(self, node: LocalNode) -> None:
        self.node = node
        self.process = subprocess.Popen(
            [sys.executable, "-c", _SCRIPT, node.organization],
            env=node.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )


@pytest.fixture(scope="module")
def people(federation: LocalFederation) -> Iterator[dict[str, _ConcernAgent]]:
    opened = {slug: _ConcernAgent(federation.nodes[slug]) for slug in ("nato", "csto", "osce")}
    try:
        yield opened
    finally:
        for agent in opened.values():
            agent.close()


def _files_holding(node: LocalNode, needle: str) -> list[str]:
    return [
        str(path)
        for path in sorted(Path(node.directory).rglob("*"))
        if path.is_file() and needle.encode() in path.read_bytes()
    ]


def test_public_concern_reaches_the_cstos_node_and_becomes_a_placed_consultation(
    federation: LocalFederation, people: dict[str, _ConcernAgent]
) -> None:
    raised = people["osce"](
        "raise",
        state="KGZ",
        other_state="TJK",
        title="Troops at the Batken border",
        text="Both sides moved heavy weapons to the enclave of Vorukh.",
        severity=3,
        sources=["https://example.org/report-1"],
        concerned=["csto"],
        public=True,
    )["concern"]
    federation.wait_for(
        lambda: people["csto"]("show", concern=raised)["concern"] == raised,
        poll=0.5,
        timeout=_TIMEOUT,
        what="the OSCE's concern reaching the CSTO's node",
    )

    placed = people["csto"]("consult", concern=raised, day="2022-10-01", year=2027)
    people["csto"]("endorse", concern=raised, note="Our monitors see it too.")
    federation.wait_for(
        lambda: people["osce"]("show", concern=raised)["endorsed_by"] == ["csto"],
        poll=0.5,
        timeout=_TIMEOUT,
        what="the CSTO's endorsement reaching the OSCE's node",
    )

    # Kyrgyzstan and Tajikistan are members of both: the suggestion names the two.
    assert placed == {
        "suggested": ["csto", "osce"],
        "priority": 75,
        "key": "prevention-concern-" + raised.replace("/", "-"),
        "topic": "conflict-prevention",
        "organizations": ["csto", "osce"],
    }
    assert people["csto"]("show", concern=raised) == {
        "concern": raised,
        "by": "osce",
        "text": "Both sides moved heavy weapons to the enclave of Vorukh.",
        "status": "open",
        "public": True,
        "concerned": ["csto", "osce"],
        "endorsed_by": ["csto"],
    }


def test_confidential_concern_is_read_by_the_concerned_only_and_leaves_no_text_elsewhere(
    federation: LocalFederation, people: dict[str, _ConcernAgent]
) -> None:
    # Long and random: a short string turns up in base64 ciphertext by chance.
    canary = f"CANARY{secrets.token_hex(12)}"
    raised = people["osce"](
        "raise",
        state="TJK",
        title="Quiet warning",
        text=canary,
        severity=2,
        concerned=["csto"],
        public=False,
    )["concern"]
    federation.wait_for(
        lambda: people["csto"]("show", concern=raised)["text"] == canary,
        poll=0.5,
        timeout=_TIMEOUT,
        what="the confidential concern reaching the CSTO's node",
    )
    people["csto"]("endorse", concern=raised)
    federation.wait_for(
        lambda: people["osce"]("show", concern=raised)["endorsed_by"] == ["csto"],
        poll=0.5,
        timeout=_TIMEOUT,
        what="the CSTO's sealed endorsement reaching the OSCE's node",
    )
    osce_size = federation.nodes["osce"].checkpoint_size()
    federation.wait_for(
        lambda: federation.replica_size("nato", "osce") >= osce_size,
        poll=0.5,
        timeout=_TIMEOUT,
        what="the OSCE's envelope reaching NATO's node",
    )

    assert people["nato"]("show", concern=raised) == {"concern": None}
    assert _files_holding(federation.nodes["nato"], canary) == []
    assert people["nato"]("tables_holding", needle=canary) == {"tables": []}
    # The same checks find it where it belongs: they can see it.
    assert (
        _files_holding(federation.nodes["csto"], canary)
        or people["csto"]("tables_holding", needle=canary)["tables"]
    )
