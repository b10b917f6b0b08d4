"""Read the registry's formal ties between organizations for :mod:`sideline.analysis.ties`.

Two queries whatever the registry's size: the ``relations`` table and the memberships
whose participant is an organization.
"""

from __future__ import annotations

from datetime import date

from sideline.analysis.snapshot import RegistrySnapshot
from sideline.analysis.ties import PairTies, Tie, pair_ties, ties_from_rows
from sideline.registry.models import Membership, Relation

__all__ = ["formal_ties", "ties_report"]


def formal_ties() -> list[Tie]:
    """Return every formal tie of the registry, relations and organizations' statuses."""
    relations = [
        {
            "id": key,
            "organization": organization,
            "counterpart": counterpart,
            "kind": kind,
            "signed": signed,
            "in_force": in_force,
            "ended": ended,
        }
        for key, organization, counterpart, kind, signed, in_force, ended in (
            Relation.objects.order_by("key").values_list(
                "key",
                "organization__slug",
                "counterpart__slug",
                "kind",
                "signed",
                "in_force",
                "ended",
            )
        )
    ]
    participations = [
        {
            "organization": organization,
            "participant_organization": participant,
            "status": status,
            "start": start,
            "end": end,
        }
        for organization, participant, status, start, end in (
            Membership.objects.filter(participant_organization__isnull=False)
            .order_by("organization__slug", "participant_organization__slug", "start_date")
            .values_list(
                "organization__slug", "participant_organization__slug", "status", "start", "end"
            )
        )
    ]
    return ties_from_rows(relations=relations, participations=participations)


def ties_report(*, day: date, snapshot: RegistrySnapshot) -> list[PairTies]:
    """Return each duplicating or tied pair on ``day`` with its ties, highest score first.

    Raises:
        DateOutOfRangeError: ``day`` lies outside the data.
    """
    return pair_ties(snapshot, formal_ties(), day=day)
