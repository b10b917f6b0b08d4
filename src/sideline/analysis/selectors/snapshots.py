"""The registry as one snapshot, in five queries, and the snapshot kept per process for
as long as the registry's version and the day stay the same."""

from __future__ import annotations

import threading
import time
from datetime import date
from typing import Any

from django.db import connection
from django.db.models.signals import post_save

from sideline.analysis.snapshot import RegistrySnapshot
from sideline.registry.models import (
    Engagement,
    Mandate,
    Membership,
    Organization,
    Pillar,
)

__all__ = ["SNAPSHOT_MAX_AGE_SECONDS", "build_snapshot", "current_snapshot"]


def build_snapshot(*, valid_until: date | None = None) -> RegistrySnapshot:
    """Read the registry into a snapshot, in five queries.

    Args:
        valid_until: the last day a query may ask about; by default the later of today
            and December 31 of the latest year the data mentions.

    Raises:
        InvalidRowError: a row holds a date the snapshot cannot read (the registry's
            loader refuses those, so this means the database was edited by hand).
    """
    organizations = [
        {"slug": slug, "bloc": bloc, "pillars": pillars, "founded": founded, "dissolved": ended}
        for slug, bloc, pillars, founded, ended in Organization.objects.order_by(
            "slug"
        ).values_list("slug", "bloc", "pillars", "founded", "dissolved")
    ]
    memberships = [
        {"organization": org, "state": state, "status": status, "start": start, "end": end}
        # States only: an organization's status in another is a tie (analysis.ties).
        for org, state, status, start, end in Membership.objects.filter(state__isnull=False)
        .order_by("organization__slug", "start_date", "state__code", "status")
        .values_list("organization__slug", "state__code", "status", "start", "end")
    ]
    mandates = [
        {"organization": org, "function": function, "weight": weight}
        for org, function, weight in Mandate.objects.order_by(
            "organization__slug", "function__slug"
        ).values_list("organization__slug", "function__slug", "weight")
    ]
    engagements = [
        {
            "id": key,
            "state": state,
            "date": day,
            "end": end,
            "kind": kind,
            "pillars": pillars,
            "weight": str(weight),
            "category": category,
            "title_en": title,
        }
        for key, state, day, end, kind, pillars, weight, category, title in (
            Engagement.objects.order_by("key").values_list(
                "key",
                "state__code",
                "date",
                "end",
                "kind",
                "pillars",
                "weight",
                "category",
                "title_en",
            )
        )
    ]
    pillars = [
        {"slug": slug} for slug in Pillar.objects.order_by("slug").values_list("slug", flat=True)
    ]
    return RegistrySnapshot.from_rows(
        organizations=organizations,
        memberships=memberships,
        mandates=mandates,
        engagements=engagements,
        # An empty pillar table means "not curated yet": take the pillars the rows name.
        pillars=pillars or None,
        valid_until=valid_until,
    )


# --- per-process caches -----------------------------------------------------------------

# The tables a snapshot reads. The loader deletes and re-creates every membership and
# mandate, so a reload moves their largest id even when the counts stay the same; an
# insert or a delete anywhere changes a count or a largest id.
_SNAPSHOT_MODELS = (Organization, Membership, Mandate, Engagement, Pillar)

_lock = threading.Lock()
_generation = 0  # bumped when a registry row is saved through the ORM in this process
_snapshot_cache: tuple[tuple[object, ...], RegistrySnapshot] | None = None


def _registry_version() -> tuple[tuple[int, int], ...]:
    """Return the row count and largest id of each table a snapshot reads, in one query."""
    sql = " UNION ALL ".join(
        f"SELECT {i}, COUNT(*), COALESCE(MAX({model._meta.pk.column}), 0) "
        f"FROM {connection.ops.quote_name(model._meta.db_table)}"
        for i, model in enumerate(_SNAPSHOT_MODELS)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = sorted(cursor.fetchall())
    return tuple((int(count), int(largest)) for _, count, largest in rows)


def _forget_snapshot(**_kwargs: Any) -> None:
    # An edit in place (the admin's save) changes neither a count nor an id.
    global _generation, _snapshot_cache
    with _lock:
        _generation += 1
        _snapshot_cache = None


for _model in _SNAPSHOT_MODELS:
    post_save.connect(_forget_snapshot, sender=_model, dispatch_uid=f"analysis-{_model.__name__}")


SNAPSHOT_MAX_AGE_SECONDS = 60


def current_snapshot() -> RegistrySnapshot:
    """Return the registry's snapshot, rebuilt only when the registry has changed.

    One aggregate query checks the registry's version (row counts and largest ids of
    the five tables); the snapshot is rebuilt with :func:`build_snapshot` when that
    version, the day (the default ``valid_until`` follows today) or a save through the
    ORM in this process says it is stale. Snapshots are immutable, so requests share it.

    Inside a transaction the cache is bypassed: rows read there may yet be rolled back,
    and SQLite then hands out the same ids again, so the version could not tell them
    apart from the rows that replace them.
    """
    global _snapshot_cache
    if connection.in_atomic_block:
        return build_snapshot()
    # An in-place edit made by another process (the admin) changes no count or id; the
    # time bucket bounds how long such an edit can go unseen here.
    bucket = int(time.monotonic() // SNAPSHOT_MAX_AGE_SECONDS)
    key = (date.today(), _generation, _registry_version(), bucket)
    cached = _snapshot_cache
    if cached is not None and cached[0] == key:
        return cached[1]
    snapshot = build_snapshot()
    with _lock:
        if key[1] == _generation:  # not invalidated while building
            _snapshot_cache = (key, snapshot)
    return snapshot
