"""Propagation, catch-up and a hostile node between real `sideline serve` processes.

Every wait is for an outcome with a generous timeout (`LocalFederation.wait_for`),
never a measure of speed: bench/federation_net.py measures that.
"""

from __future__ import annotations

from urllib.request import urlopen

import pytest

from sideline.record.localnet import SCENARIOS, LocalFederation, NodeError

# One worker runs every real-node test, in file order: the nodes turn hostile in turn.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("federation_net")]

HONEST = ["nato", "csto", "osce"]

# Rewrites the log on the CIS's node with the same keys and other entries: only the
# node's operator, holding its database and keys, can do this. It is what a fork is.
FORK = """
from sideline.record.merkle import EMPTY_ROOT
from sideline.record.models import Cosignature, Log, LogCheckpoint, RecordEntry, TreeNode
from sideline.record.services import append_entry
log = Log.objects.get(organization__slug="cis")
Cosignature.objects.filter(checkpoint__log=log).delete()
LogCheckpoint.objects.filter(log=log).delete()
RecordEntry.objects.filter(log=log).delete()
TreeNode.objects.filter(log=log).delete()
Log.objects.filter(pk=log.pk).update(size=0, root_hash=EMPTY_ROOT, frontier=b"")
for i in range(5):
    append_entry(organization="cis", kind="decision.approved", subject=f"forged/{i}")
"""


def _cosigners(federation: LocalFederation, slug: str, size: int) -> set[str]:
    """Return the witnesses whose cosignature the node's checkpoint of ``size`` carries."""
    with urlopen(f"{federation.nodes[slug].url}/record/{slug}/checkpoint", timeout=5) as answer:
        note = answer.read().decode()
    if int(note.split("\n")[1]) < size:
        return set()
    return {line.split()[1] for line in note.split("\n\n", 1)[1].splitlines() if "/witness" in line}


def test_entry_appended_on_one_node_reaches_the_others_and_is_cosigned(
    federation: LocalFederation,
) -> None:
    with federation.nodes["nato"].appender() as appender:
        size = appender.append(2, prefix="push")

    for other in ["csto", "osce"]:
        federation.wait_for(
            lambda other=other: federation.replica_size(other, "nato") >= size,
            what=f"NATO's entries reaching {other}",
        )
    federation.wait_for(
        lambda: (
            {"csto.localnet/record/csto/witness", "osce.localnet/record/osce/witness"}
            <= _cosigners(federation, "nato", size)
        ),
        what="CSTO and OSCE cosigning NATO's checkpoint",
    )
    status = federation.nodes["csto"].run("federation", "status")
    assert f"{federation.nodes['nato'].url}: " in status
    assert "  nato     size" in status


def test_node_down_catches_up_when_it_returns(federation: LocalFederation) -> None:
    osce = federation.nodes["osce"]
    osce.stop()
    sizes = {}
    for slug in ["nato", "csto"]:
        with federation.nodes[slug].appender() as appender:
            sizes[slug] = appender.append(3, prefix="while-osce-was-down")

    osce.start()

    for slug, size in sizes.items():
        federation.wait_for(
            lambda slug=slug, size=size: federation.replica_size("osce", slug) >= size,
            what=f"{slug}'s entries reaching the OSCE's node after its return",
        )
    assert osce.running


def test_meeting_created_on_one_node_becomes_a_row_on_the_others(
    federation: LocalFederation,
) -> None:
    said: list[str] = []

    SCENARIOS["meeting"](federation, said.append)

    assert said[0].startswith("nato: created meeting nato/m-")
    assert [line.split(":")[0] for line in said[1:]] == ["csto", "osce", "cis", "sco"]


def test_node_that_forks_its_log_is_detected_by_every_honest_node(
    federation: LocalFederation,
) -> None:
    cis = federation.nodes["cis"]
    with cis.appender() as appender:
        appender.append(3, prefix="honest")
    for slug in HONEST:
        federation.wait_for(
            lambda slug=slug: federation.replica_size(slug, "cis") >= 3,
            what=f"CIS's entries reaching {slug}",
        )
    sizes_before = {slug: federation.nodes[slug].replicas() for slug in HONEST}

    cis.run("shell", "-c", FORK)

    for slug in HONEST:
        federation.wait_for(
            lambda slug=slug: not federation.nodes[slug].replicas()["cis"]["trusted"],
            what=f"{slug} detecting the CIS's fork",
        )
        kept = federation.nodes[slug].replicas()
        assert kept["cis"]["size"] == sizes_before[slug]["cis"]["size"]
        assert [kept[other]["trusted"] for other in HONEST if other != slug] == [True, True]
    with pytest.raises(NodeError) as caught:
        federation.nodes["nato"].run("federation", "status")
    assert str(caught.value).endswith(f"1 peer(s) failing: {cis.url}")
    assert f"{cis.url}: FAILING" in caught.value.stdout
    with urlopen(f"{federation.nodes['osce'].url}/record/", timeout=5) as answer:
        page = answer.read().decode()
    assert f"cis @ {cis.url}" in page
    assert 'data-testid="peer-incidents"' in page
