"""Writes of preventive diplomacy: importing conflict data; concerns and their endorsements;
turning a concern into a meeting request for the planner.

Each write is one transaction. A concern and an endorsement are operations on the acting
organization's own signed log (``sideline.prevention.concern_ops``), sealed to the
organizations concerned when the concern is confidential, as a confidential meeting's ops
are; the node signs only for the organizations it hosts, so a person of another
organization is refused here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from sideline.accounts.permissions import acts_for, can_coordinate, organization_id_of
from sideline.accounts.services import log_refusal
from sideline.prevention import concern_ops, formats
from sideline.prevention.bundle import bundled_paths
from sideline.prevention.enums import ConcernStatus, Severity
from sideline.prevention.errors import ConflictDataError, PreventionError
from sideline.prevention.models import Concern, ConflictYear, Dataset, Endorsement, StateValue
from sideline.registry.models import Organization, State
from sideline.validators import InvalidValueError, check_text

__all__ = [
    "MAX_FILES",
    "ConcernError",
    "ImportSummary",
    "acting_organization",
    "close_concern",
    "endorse_concern",
    "import_bundled",
    "import_conflict_files",
    "place_consultation",
    "place_signal_consultation",
    "raise_concern",
]

logger = logging.getLogger(__name__)

MAX_FILES = 10
_BATCH = 2000

_SOURCES = {
    "ViEWS UCDP GED country-month": (
        "UCDP Georeferenced Event Dataset, state-based deaths (best estimate), "
        "aggregated per country-month by ViEWS",
        "UCDP data CC BY 4.0",
    ),
    "ViEWS forecast country-month": ("ViEWS fatalities forecasts", "ViEWS CC BY-NC 4.0"),
    "ViEWS forecast country-year": ("ViEWS country-year forecasts", "ViEWS CC BY-NC 4.0"),
    "UCDP/PRIO Armed Conflict Dataset": ("UCDP/PRIO Armed Conflict Dataset", "CC BY 4.0"),
    "Sideline country-year": (
        "UCDP Georeferenced Event Dataset, state-based deaths, summed per state and year",
        "UCDP data CC BY 4.0",
    ),
    "Our World in Data country-year": (
        "UCDP Georeferenced Event Dataset via Our World in Data",
        "CC BY 4.0",
    ),
}


@dataclass(frozen=True)
class ImportSummary:
    files: tuple[formats.ConflictFile, ...]

    def __str__(self) -> str:
        parts = []
        for f in self.files:
            span = f"{f.span[0]} to {f.span[1]}" if f.span else "no periods"
            skipped = f", {len(f.skipped)} entities skipped (not states)" if f.skipped else ""
            parts.append(f"{f.name}: {f.rows} rows of {f.kind} ({f.layout}), {span}{skipped}")
        return "; ".join(parts)


def _store(data: formats.ConflictFile, *, bundled: bool) -> None:
    source, licence = _SOURCES[data.layout]
    Dataset.objects.filter(kind=data.kind).delete()
    span = data.span or ("", "")
    dataset = Dataset.objects.create(
        kind=data.kind,
        name=data.name[:255],
        layout=data.layout,
        source=source,
        licence=licence,
        sha256=data.sha256,
        rows=data.rows,
        first_period=span[0],
        last_period=span[1],
        bundled=bundled,
    )
    StateValue.objects.bulk_create(
        (
            StateValue(
                dataset=dataset, state=v.state, year=v.year, month=v.month or 0, value=v.value
            )
            for v in data.values
        ),
        batch_size=_BATCH,
    )
    ConflictYear.objects.bulk_create(
        (
            ConflictYear(
                dataset=dataset,
                conflict_id=c.conflict_id,
                year=c.year,
                states=" ".join(c.states)[:200],
                intensity=c.intensity,
                conflict_type=c.conflict_type,
                episode_start=c.episode_start,
                episode_end=c.episode_end,
            )
            for c in data.conflicts
        ),
        batch_size=_BATCH,
    )


def import_conflict_files(
    paths: Sequence[Path],
    *,
    progress: Callable[[str, int, int], None] | None = None,
    bundled: bool = False,
) -> ImportSummary:
    """Read every file, then replace the stored data of their kinds in one transaction.

    Args:
        paths: one to :data:`MAX_FILES` CSV files in the layouts of
            :mod:`sideline.prevention.formats`.
        progress: called as ``progress(file_name, rows_done, rows_total)``.
        bundled: the files are the product's bundled data.

    Raises:
        ConflictDataError: too many files, two files of one kind, or a defect in a file
            (naming file, row and field); nothing is written then.
    """
    if not paths:
        raise ConflictDataError("give at least one file", code="no_files")
    if len(paths) > MAX_FILES:
        raise ConflictDataError(
            f"{len(paths)} files is over the limit of {MAX_FILES}; import them in turns",
            code="too_many_files",
        )
    read: list[formats.ConflictFile] = []
    for path in paths:
        report = (
            (lambda done, total, name=Path(path).name: progress(name, done, total))
            if progress
            else None
        )
        data = formats.read_conflict_file(Path(path), progress=report)
        twin = next((f for f in read if f.kind == data.kind), None)
        if twin is not None:
            raise ConflictDataError(
                f"holds {data.kind} like {twin.name}; import one file of each kind",
                file=data.name,
                code="duplicate_kind",
            )
        read.append(data)
    with transaction.atomic():
        for data in read:
            _store(data, bundled=bundled)
    summary = ImportSummary(tuple(read))
    logger.info("conflict data imported: %s", summary)
    return summary


def import_bundled() -> ImportSummary:
    """Import the bundled yearly deaths and conflict-years."""
    return import_conflict_files(bundled_paths(), bundled=True)


# --- concerns ------------------------------------------------------------------------


class ConcernError(PreventionError):
    """A concern refused: its ``code`` is stable, ``status`` the HTTP status to answer."""

    code = "concern_error"

    def __init__(
        self, code: str, message: str, *, field: str | None = None, status: int | None = None
    ) -> None:
        super().__init__(message, field=field, code=code, status=status)


MAX_SOURCES = 20
MAX_TEXT = 20_000


def _refused(actor: Any, action: str, error: ConcernError) -> ConcernError:
    log_refusal(user=actor, action=action, code=error.code, message=error.message)
    return error


def _checked(value: str, *, field: str, limit: int, required: bool = True) -> str:
    value = value.strip()
    try:
        check_text(value, field=field)
    except InvalidValueError as error:
        raise ConcernError(error.code, error.message, field=field) from None
    if required and not value:
        raise ConcernError("required", f"{field}: give a value", field=field)
    if len(value) > limit:
        raise ConcernError("too_long", f"{field}: keep it to {limit:,} characters", field=field)
    return value


def _state(code: str, *, field: str) -> State:
    state = State.objects.filter(code=code.upper()).first()
    if state is None:
        raise ConcernError(
            "unknown_state",
            f"{field}: no state {code!r}; give an ISO 3166 alpha-3 code",
            field=field,
            status=404,
        )
    return state


def raise_concern(
    *,
    actor: Any,
    organization: str,
    state: str,
    title: str,
    text: str,
    severity: int,
    sources: Sequence[str] = (),
    concerned: Sequence[str] = (),
    other_state: str | None = None,
    public: bool = False,
) -> Concern:
    """Raise a concern as ``organization`` and append it to that organization's log.

    Only the organization's delegates and signatories (its liaison officers and analysts)
    raise concerns, and only on a node that hosts the organization. A confidential concern
    goes sealed onto the log and is shown only to the organizations concerned.

    Raises:
        ConcernError: ``not_your_organization`` (403), ``not_hosted`` (403),
            ``unknown_state``, ``unknown_organization``, ``invalid_severity``, ``required``,
            ``too_long``, ``too_many_sources``, control characters; nothing is written.
    """
    try:
        org = Organization.objects.filter(slug=organization).first()
        if org is None:
            raise ConcernError(
                "unknown_organization",
                f"organization: no organization {organization!r}",
                field="organization",
                status=404,
            )
        if not acts_for(actor, org.pk):
            raise ConcernError(
                "not_your_organization",
                f"organization: you do not act for {organization}; its delegates and "
                "signatories raise its concerns",
                field="organization",
                status=403,
            )
        subject_state = _state(state, field="state")
        border = _state(other_state, field="other_state") if other_state else None
        if border is not None and border.pk == subject_state.pk:
            raise ConcernError(
                "same_state",
                "other_state: a border lies between two different states",
                field="other_state",
            )
        title = _checked(title, field="title", limit=200)
        text = _checked(text, field="text", limit=MAX_TEXT)
        if severity not in Severity.values:
            raise ConcernError(
                "invalid_severity",
                f"severity: give 1 (low) to 4 (critical), not {severity}",
                field="severity",
            )
        if len(sources) > MAX_SOURCES:
            raise ConcernError(
                "too_many_sources", f"sources: give at most {MAX_SOURCES}", field="sources"
            )
        clean_sources = [_checked(s, field="sources", limit=1000) for s in sources]
        slugs = sorted({organization, *concerned})
        orgs = list(Organization.objects.filter(slug__in=slugs))
        unknown = sorted(set(slugs) - {o.slug for o in orgs})
        if unknown:
            raise ConcernError(
                "unknown_organization",
                f"concerned: not in the registry: {', '.join(unknown)}",
                field="concerned",
                status=404,
            )
        with transaction.atomic():
            concern = Concern.objects.create(
                organization=org,
                author=actor,
                state=subject_state,
                other_state=border,
                title=title,
                text=text,
                sources=clean_sources,
                severity=severity,
                public=public,
            )
            concern.concerned.set(orgs)
            concern_ops.record_raised(concern, actor=actor)
    except ConcernError as error:
        raise _refused(actor, "concern.raise", error) from None
    return concern


def endorse_concern(
    *, actor: Any, concern: Concern, organization: str, note: str = ""
) -> Endorsement:
    """Endorse a concern as another organization, on that organization's own log.

    Raises:
        ConcernError: ``not_your_organization`` (403), ``own_concern``, ``not_visible``
            (404: a confidential concern of which the organization is not concerned),
            ``already_endorsed`` (409), ``closed``, ``not_hosted`` (403).
    """
    try:
        org = Organization.objects.filter(slug=organization).first()
        if org is None or not acts_for(actor, org.pk):
            raise ConcernError(
                "not_your_organization",
                f"organization: you do not act for {organization}",
                field="organization",
                status=403,
            )
        if not concern.public and not concern.concerned.filter(pk=org.pk).exists():
            raise ConcernError(
                "not_visible", f"no concern {concern.pk} that you may see", status=404
            )
        if concern.organization_id == org.pk:
            raise ConcernError(
                "own_concern",
                "an organization does not endorse its own concern",
                field="organization",
            )
        if concern.status != ConcernStatus.OPEN:
            raise ConcernError("closed", "the concern is closed")
        note = _checked(note, field="note", limit=500, required=False)
        with transaction.atomic():
            locked = Concern.objects.select_for_update().get(pk=concern.pk)
            if locked.endorsements.filter(organization=org).exists():
                raise ConcernError(
                    "already_endorsed", f"{organization} has endorsed this concern", status=409
                )
            endorsement = Endorsement.objects.create(
                concern=locked, organization=org, author=actor, note=note
            )
            concern_ops.record_endorsement(endorsement, actor=actor)
    except ConcernError as error:
        raise _refused(actor, "concern.endorse", error) from None
    return endorsement


def close_concern(*, actor: Any, concern: Concern) -> Concern:
    """Close a concern: the raising organization's delegates and signatories only."""
    try:
        if not acts_for(actor, concern.organization_id):
            raise ConcernError(
                "not_your_organization",
                "only the raising organization closes a concern",
                status=403,
            )
        with transaction.atomic():
            concern.status = ConcernStatus.CLOSED
            concern.save(update_fields=["status"])
            concern_ops.record_closed(concern, actor=actor)
    except ConcernError as error:
        raise _refused(actor, "concern.close", error) from None
    return concern


def _add_request(*, key: str, year: int, organizations: Sequence[str], priority: int) -> None:
    from sideline.planner.services import RequestInvalidError, add_manual_request

    today = timezone.localdate()
    try:
        add_manual_request(
            year=year,
            key=key,
            organizations=list(organizations),
            topic="conflict-prevention",
            priority=priority,
            # Not before today: a consultation is about what is coming.
            not_before=today if today.year == year else None,
        )
    except RequestInvalidError as error:
        first = error.errors[0]
        code = "key_taken" if first.code == "key_taken" else first.code
        raise ConcernError(
            code, str(first.message), field=first.field, status=409 if code == "key_taken" else 400
        ) from None


def _require_coordinator(actor: Any) -> None:
    if not can_coordinate(actor):
        raise ConcernError(
            "not_coordinator", "only a coordinator places a consultation", status=403
        )


def place_consultation(
    *,
    actor: Any,
    concern: Concern,
    organizations: Sequence[str],
    priority: int,
    year: int | None = None,
) -> Concern:
    """Turn a concern into a meeting request of the planner (topic conflict prevention).

    The coordinator places it; the planner then schedules it at the next common forum
    session or a special summit when the year is planned. The request's key,
    ``prevention-concern-<id>``, links the meetings, decisions and commitments that follow.

    Raises:
        ConcernError: ``not_coordinator`` (403), ``already_placed`` (409), ``closed``, or the
            planner's refusal (``too_few_organizations`` …) with its field.
    """
    try:
        _require_coordinator(actor)
        year = year or timezone.localdate().year
        with transaction.atomic():
            locked = Concern.objects.select_for_update().get(pk=concern.pk)
            if locked.request_key:
                raise ConcernError(
                    "already_placed",
                    f"the concern is already request {locked.request_key} of {locked.request_year}",
                    status=409,
                )
            if locked.status != ConcernStatus.OPEN:
                raise ConcernError("closed", "the concern is closed")
            key = concern_ops.consultation_key(locked)
            _add_request(key=key, year=year, organizations=organizations, priority=priority)
            locked.request_year, locked.request_key = year, key
            locked.save(update_fields=["request_year", "request_key"])
    except ConcernError as error:
        raise _refused(actor, "concern.consult", error) from None
    return locked


def place_signal_consultation(
    *,
    actor: Any,
    state: str,
    organizations: Sequence[str],
    priority: int,
    year: int | None = None,
) -> str:
    """Turn the raised rules about ``state`` into a meeting request; return its key.

    The key, ``prevention-signal-<STATE>-<YYYYMM>``, allows one request per state and month.

    Raises:
        ConcernError: ``not_coordinator`` (403), ``key_taken`` (409), or the planner's
            refusal with its field.
    """
    try:
        _require_coordinator(actor)
        today = timezone.localdate()
        year = year or today.year
        code = state.upper()
        if not State.objects.filter(code=code).exists():
            raise ConcernError("unknown_state", f"state: no state {state!r}", field="state")
        key = f"prevention-signal-{code}-{today:%Y%m}"
        with transaction.atomic():
            _add_request(key=key, year=year, organizations=organizations, priority=priority)
    except ConcernError as error:
        raise _refused(actor, "signal.consult", error) from None
    return key


def acting_organization(actor: Any) -> str | None:
    """Return the slug of the organization the actor speaks for, if any."""
    org_id = organization_id_of(actor)
    if org_id is None:
        return None
    return Organization.objects.filter(pk=org_id).values_list("slug", flat=True).first()
