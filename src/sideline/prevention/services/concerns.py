"""Concerns and their endorsements: operations on the acting organization's own signed
log (``sideline.prevention.concern_ops``), sealed to the organizations concerned when the
concern is confidential, as a confidential meeting's ops are; the node signs only for the
organizations it hosts, so a person of another organization is refused here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from sideline.accounts.permissions import acts_for
from sideline.prevention import concern_ops
from sideline.prevention.enums import ConcernStatus, Severity
from sideline.prevention.models import Concern, Endorsement
from sideline.prevention.services._common import ConcernError, refused
from sideline.registry.models import Organization, State
from sideline.validators import InvalidValueError, check_text

__all__ = ["MAX_SOURCES", "MAX_TEXT", "close_concern", "endorse_concern", "raise_concern"]


MAX_SOURCES = 20
MAX_TEXT = 20_000


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
        raise refused(actor, "concern.raise", error) from None
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
        raise refused(actor, "concern.endorse", error) from None
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
        raise refused(actor, "concern.close", error) from None
    return concern
