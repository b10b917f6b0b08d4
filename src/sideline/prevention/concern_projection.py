"""The concern rows as a projection of the ops: compare them with the logs, rebuild them.

The counterpart for concerns of :mod:`sideline.meetings.projection`: every node folds the
ops it holds (its own logs and its peers' replicas) with the reducer, joins their content
(:mod:`sideline.federation.concern_projection`) and makes its rows match, so that a
concern raised on another organization's node becomes a row here, with its endorsements,
and can be followed to a consultation. A confidential concern becomes a row only on the
nodes of the organizations concerned: only they open its envelopes.

What the rows hold beyond the ops stays as it is: the author's account, the planner's
request a coordinator made of it on this node, times. Rows made before concerns were ops
(no ``op_id``) are left alone. A concern about a state, or by an organization, that this
node's registry does not know is not shown (registries may differ); it is listed in the
report's ``unshown``, and shown once the registry has it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Prefetch

from sideline.federation.concern_projection import project_concerns
from sideline.federation.projection import public_ops
from sideline.oplog import reduce_node
from sideline.prevention.models import Concern, Endorsement
from sideline.registry.models import Organization, State

__all__ = [
    "ConcernRebuild",
    "concern_differences",
    "node_concerns",
    "rebuild_concerns",
    "stored_concerns",
]


def node_concerns() -> dict[str, dict[str, Any]]:
    """The concerns as the ops this node holds make them, confidential ones it reads too."""
    ops, reduction = reduce_node()
    clear = {op.hash: op for op in public_ops(e.data for e in ops.entries)}
    return {
        **project_concerns(reduction.state, clear),
        **project_concerns(reduction.confidential, reduction.sealed_ops),
    }


def _concern_json(concern: Concern) -> dict[str, Any]:
    return {
        "raised_by": concern.organization.slug,
        "state": concern.state.code,
        "other_state": concern.other_state.code if concern.other_state else None,
        "severity": concern.severity,
        "concerned": sorted(o.slug for o in concern.concerned.all()),
        "public": concern.public,
        "status": concern.status,
        "title": concern.title,
        "text": concern.text,
        "sources": list(concern.sources),
        "endorsements": sorted([e.organization.slug, e.note] for e in concern.endorsements.all()),
    }


def stored_concerns() -> dict[str, dict[str, Any]]:
    """The rows of concerns made as ops, in the form of :func:`node_concerns`."""
    rows = (
        Concern.objects.exclude(op_id=None)
        .select_related("organization", "state", "other_state")
        .prefetch_related(
            "concerned",
            Prefetch("endorsements", queryset=Endorsement.objects.select_related("organization")),
        )
    )
    return {str(row.op_id): _concern_json(row) for row in rows}


def concern_differences(expected: dict[str, Any], stored: dict[str, Any]) -> list[str]:
    """Every difference, one line each: ``concern osce/k-…: status: rows 'open', ops 'closed'``."""
    lines = []
    for key in sorted(set(expected) | set(stored)):
        if key not in expected:
            lines.append(f"concern {key}: in the rows, not made by any applied op")
        elif key not in stored:
            lines.append(f"concern {key}: made by the ops, missing from the rows")
        else:
            row, op = stored[key], expected[key]
            for name in sorted(set(row) | set(op)):
                if row.get(name) != op.get(name):
                    lines.append(
                        f"concern {key}: {name}: rows {row.get(name)!r:.200}, "
                        f"ops {op.get(name)!r:.200}"
                    )
    return lines


@dataclass(frozen=True)
class ConcernRebuild:
    """What a rebuild found: the differences, whether it rewrote the rows, and the
    concerns it cannot show because this node's registry lacks a state or organization."""

    differences: list[str]
    rebuilt: bool
    unshown: list[str] = field(default_factory=list)


def _shown(
    expected: dict[str, dict[str, Any]],
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    states = set(State.objects.values_list("code", flat=True))
    organizations = set(Organization.objects.values_list("slug", flat=True))
    shown, unshown = {}, []
    for key, value in expected.items():
        missing = sorted(
            {value["state"], value["other_state"] or value["state"]} - states
            | ({value["raised_by"], *value["concerned"]} - organizations)
        )
        if missing:
            unshown.append(f"concern {key}: not in this node's registry: {', '.join(missing)}")
            continue
        # What the node could not read (never in clear for a concern it holds) shows empty.
        shown[key] = {
            **value,
            "title": value["title"] or "",
            "text": value["text"] or "",
            "sources": value["sources"] or [],
            "endorsements": sorted(
                [org, note] for org, note in value["endorsements"] if org in organizations
            ),
        }
    return shown, unshown


def rebuild_concerns(*, check: bool = False) -> ConcernRebuild:
    """Compare the concern rows with the ops; unless ``check``, rewrite the rows to match.

    Runs in one transaction: a rebuild that fails leaves the rows as they were.
    """
    with transaction.atomic():
        expected, unshown = _shown(node_concerns())
        found = concern_differences(expected, stored_concerns())
        if check or not found:
            return ConcernRebuild(found, rebuilt=False, unshown=unshown)
        _write(expected)
        return ConcernRebuild(found, rebuilt=True, unshown=unshown)


def _write(expected: dict[str, dict[str, Any]]) -> None:
    organizations = {o.slug: o for o in Organization.objects.all()}
    states = {s.code: s for s in State.objects.all()}
    Concern.objects.exclude(op_id=None).exclude(op_id__in=list(expected)).delete()
    for op_id, value in expected.items():
        concern, _ = Concern.objects.update_or_create(
            op_id=op_id,
            defaults={
                "organization": organizations[value["raised_by"]],
                "state": states[value["state"]],
                "other_state": states[value["other_state"]] if value["other_state"] else None,
                "severity": value["severity"],
                "public": value["public"],
                "status": value["status"],
                "title": value["title"],
                "text": value["text"],
                "sources": value["sources"],
            },
        )
        concern.concerned.set([organizations[slug] for slug in value["concerned"]])
        notes = dict(value["endorsements"])
        Endorsement.objects.filter(concern=concern).exclude(
            organization__slug__in=list(notes)
        ).delete()
        for slug, note in notes.items():
            Endorsement.objects.update_or_create(
                concern=concern, organization=organizations[slug], defaults={"note": note}
            )
