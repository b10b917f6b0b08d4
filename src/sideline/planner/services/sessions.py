"""A coordinator's forum sessions: add, change or cancel one, kept as registry corrections.

A session is a registry fact, and a registry load makes the registry equal to the data
package plus the approved corrections (``registry/curation_rows.py``). A session
written here is therefore an approved correction of the ``sessions`` table, proposed and
approved by the coordinator in one step, with its source: no later `sideline init` or
`sideline data load` undoes it, it shows in the fact's history like a curator's, and it
is signed on the record of the coordinator's organization (`registry.corrected`, as a
curator's approval is).
Cancelling keeps the row with the status ``cancelled`` (published calendars may name
it; the planner leaves it out of every new instance) and the reason on the correction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sideline.curation.services import curating_organization, sign_correction
from sideline.planner.errors import PlannerError, SessionInvalidError
from sideline.planner.permissions import can_coordinate
from sideline.record.errors import RecordError
from sideline.registry.curation_rows import key_text
from sideline.registry.enums import CorrectionAction, CorrectionStatus, SessionStatus
from sideline.registry.models import Correction, Forum, ForumSession, Organization, State
from sideline.registry.package import PackageError
from sideline.registry.services import apply_corrections, correction_rows, registry_tables

__all__ = ["SESSION_FIELDS", "cancel_forum_session", "save_forum_session", "session_key"]

SESSION_FIELDS = ("forum", "start", "end", "city", "country", "timezone", "attendees", "status")
"""The columns of a session a coordinator writes; the identifier is made from them."""

_NOTE = "entered by a coordinator on the planner's pages"
_SOURCE_REQUIRED = gettext_lazy("Give the source: an address (URL) or a citation.")


def session_key(*, forum: str, start: dt.date) -> str:
    """Return the identifier of a new session: its forum and first day.

    >>> session_key(forum="osce-ministerial-council", start=dt.date(2027, 12, 2))
    'osce-ministerial-council-2027-12-02'
    """
    return f"{forum}-{start.isoformat()}"


def _require_coordinator(actor: Any) -> None:
    if not can_coordinate(actor):
        raise PlannerError(
            "not_coordinator", _("Only a coordinator may change forum sessions."), status=403
        )


def _current_row(key: str) -> dict[str, str] | None:
    for row in registry_tables()["sessions"]:
        if row["id"] == key:
            return row
    return None


def _field_errors(error: PackageError) -> SessionInvalidError:
    """Return the package rules' objections as errors on the form's fields."""
    problems = [
        PlannerError(
            issue.code,
            issue.message,
            field=issue.field if issue.field in SESSION_FIELDS else None,
        )
        for issue in error.issues
        if issue.file == "sessions"
    ] or [PlannerError(i.code, i.message) for i in error.issues]
    return SessionInvalidError(problems)


def _write(
    actor: Any,
    *,
    action: str,
    before: Mapping[str, str],
    after: dict[str, str],
    citation: str,
    reason: str,
    now: dt.datetime | None,
) -> ForumSession:
    """Store and apply one approved correction of the sessions table, in one transaction."""
    moment = now or timezone.now()
    with transaction.atomic():
        correction = Correction.objects.create(
            table="sessions",
            action=action,
            subject=key_text("sessions", after),
            before=dict(before),
            after=after,
            citation=citation,
            reason=reason or _NOTE,
            proposed_by=actor,
            proposed_at=moment,
            status=CorrectionStatus.APPROVED,
            reviewed_by=actor,
            reviewed_at=moment,
            review_note=_NOTE,
        )
        # The row cites the coordinator's source, as a curator's correction does.
        correction.after = {**after, "source": correction.source_key}
        correction.save(update_fields=["after"])
        try:
            conflicts = apply_corrections([correction_rows(correction)])
        except PackageError as error:
            raise _field_errors(error) from None
        if conflicts:
            raise PlannerError(
                "stale_session",
                _("The session changed while you edited it; open it again."),
                status=409,
            )
        _record(actor, correction)
    return ForumSession.objects.get(key=after["id"])


def _record(actor: Any, correction: Correction) -> None:
    """Sign the change on the record, as a curator's approval is (the same entry kind)."""
    try:
        sign_correction(actor, correction)
    except RecordError as error:
        raise PlannerError(
            "not_hosted",
            _(
                "This node cannot sign for %(organization)s, so the session was not saved: "
                "%(detail)s"
            )
            % {"organization": curating_organization(actor), "detail": error.message},
            status=409,
        ) from None
    correction.save(update_fields=["record_organization", "record_index"])


def _check_citation(citation: str) -> str:
    text = " ".join(citation.split())
    if not text:
        raise SessionInvalidError(
            [PlannerError("source_required", str(_SOURCE_REQUIRED), field="citation")]
        )
    return text


def save_forum_session(
    actor: Any,
    *,
    session: ForumSession | None,
    forum: Forum,
    start: dt.date,
    end: dt.date,
    city: str,
    country: State,
    timezone_name: str,
    attendees: Sequence[Organization],
    status: str,
    citation: str,
    reason: str = "",
    now: dt.datetime | None = None,
) -> ForumSession:
    """Add a forum session (`session` None) or change one, with its source.

    Raises:
        PlannerError: ``not_coordinator`` (403), ``stale_session`` (409).
        SessionInvalidError: the session breaks a rule of the registry (each problem on
            its field: ``end`` before ``start``, an unknown time zone, a projected
            session in the past …), or an added one exists already.
    """
    _require_coordinator(actor)
    citation = _check_citation(citation)
    key = session.key if session is not None else session_key(forum=forum.slug, start=start)
    before = _current_row(key)
    if session is None and before is not None:
        raise SessionInvalidError(
            [
                PlannerError(
                    "session_exists",
                    _("%(forum)s already has a session starting on %(start)s: change that one.")
                    % {"forum": forum.name, "start": start.isoformat()},
                    field="start",
                )
            ]
        )
    if session is not None and before is None:
        raise PlannerError("unknown_session", _("There is no such forum session."), status=404)
    after = {
        "id": key,
        "forum": forum.slug,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "city": " ".join(city.split()),
        "country": country.code,
        "timezone": timezone_name,
        "attendees": " ".join(sorted(o.slug for o in attendees)),
        "status": status,
    }
    if before is not None and all(before.get(k) == v for k, v in after.items()):
        raise SessionInvalidError(
            [PlannerError("no_change", _("Nothing was changed: correct at least one value."))]
        )
    return _write(
        actor,
        action=CorrectionAction.ADD if before is None else CorrectionAction.CHANGE,
        before=before or {},
        after=after,
        citation=citation,
        reason=reason.strip(),
        now=now,
    )


def cancel_forum_session(
    actor: Any,
    *,
    session: ForumSession,
    reason: str,
    citation: str,
    now: dt.datetime | None = None,
) -> ForumSession:
    """Mark a forum session cancelled, saying why and on what source.

    Raises:
        PlannerError: ``not_coordinator`` (403), ``session_cancelled`` (409).
        SessionInvalidError: no reason or no source.
    """
    _require_coordinator(actor)
    if session.status == SessionStatus.CANCELLED:
        raise PlannerError("session_cancelled", _("This session is cancelled already."), status=409)
    problems = [
        PlannerError(code, str(message), field=field)
        for value, field, code, message in (
            (reason, "reason", "reason_required", _("Say why the session is cancelled.")),
            (citation, "citation", "source_required", _SOURCE_REQUIRED),
        )
        if not value.strip()
    ]
    if problems:
        raise SessionInvalidError(problems)
    before = _current_row(session.key)
    if before is None:
        raise PlannerError("unknown_session", _("There is no such forum session."), status=404)
    after = {**before, "status": SessionStatus.CANCELLED.value}
    after.pop("source", None)
    return _write(
        actor,
        action=CorrectionAction.CHANGE,
        before=before,
        after=after,
        citation=" ".join(citation.split()),
        reason=reason.strip(),
        now=now,
    )
