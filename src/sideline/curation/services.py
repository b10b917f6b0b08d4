"""A curator's corrections of the registry: propose, approve, reject.

A proposal is checked against the registry as it is, with the rules the loader applies
to a data package (``registry/package_rules.py``), so that what a curator proposes could
have been loaded. An approval writes the corrected registry, a source row for the
citation, and an entry on the curating organization's record, in one transaction.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sideline.accounts.permissions import can_curate, person_of
from sideline.curation.errors import CurationError
from sideline.record.errors import RecordError
from sideline.record.services import append_entry
from sideline.registry.curation_rows import TABLES, CorrectionRows, key_text, overlay, row_key
from sideline.registry.enums import CorrectionAction, CorrectionStatus
from sideline.registry.models import Correction
from sideline.registry.package import DataIssue, PackageError, registry_schemas
from sideline.registry.services import (
    apply_corrections,
    check_tables,
    correction_rows,
    curated_source_row,
    registry_tables,
)

__all__ = [
    "MAX_CITATION",
    "MAX_REASON",
    "MAX_VALUE",
    "RECORD_KIND",
    "approve_correction",
    "check_citation",
    "curating_organization",
    "current_row",
    "propose_correction",
    "reject_correction",
    "self_approval_allowed",
    "sign_correction",
]

RECORD_KIND = "registry.corrected"
# A signed record entry holds at most 64 KiB: these bounds keep a correction well inside.
MAX_CITATION = 500
MAX_REASON = 2000
MAX_VALUE = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PARTIAL_DATES = {"start", "end", "founded", "dissolved"}


def self_approval_allowed() -> bool:
    """Whether a curator may approve their own proposal (``SIDELINE_CURATION_SELF_APPROVAL``)."""
    return bool(getattr(settings, "SIDELINE_CURATION_SELF_APPROVAL", False))


def curating_organization(actor: Any) -> str:
    """Return the organization whose record takes an approval: the curator's own, else
    the node's ``SIDELINE_CURATOR_ORGANIZATION``."""
    person = person_of(actor)
    if person is not None and person.organization is not None:
        return person.organization.slug
    return str(getattr(settings, "SIDELINE_CURATOR_ORGANIZATION", "un"))


def check_citation(citation: str) -> str:
    """Return the citation, stripped, or raise a field error saying what to write."""
    text = " ".join(citation.split())
    if not text:
        raise _field_error("citation", _("Give the source: an address (URL) or a citation."))
    if len(text) > MAX_CITATION:
        raise _field_error(
            "citation",
            _("Keep the source within %(limit)d characters.") % {"limit": MAX_CITATION},
        )
    if text.startswith(("http://", "https://")) or "://" in text:
        try:
            URLValidator(schemes=["http", "https"])(text)
        except ValidationError:
            raise _field_error(
                "citation",
                _("This address is not a valid http(s) URL; correct it or write a citation."),
            ) from None
    elif len(text) < 10 or not re.search(r"\d", text):
        raise _field_error(
            "citation",
            _(
                "A citation names the document and its date or number "
                "(for example: CSTO Collective Security Council decision, 19 December 2012)."
            ),
        )
    return text


def _field_error(field: str, message: str) -> CurationError:
    return CurationError("invalid_correction", message, field_errors={field: [message]})


def _require_curator(actor: Any) -> None:
    if not can_curate(actor):
        raise CurationError(
            "not_curator", _("Only curators propose and review corrections."), status=403
        )


def current_row(table: str, key: Mapping[str, str]) -> dict[str, str] | None:
    """Return the registry's row of ``table`` named by ``key``, as the package writes it."""
    wanted = row_key(table, key)
    for row in registry_tables().get(table, []):
        if row_key(table, row) == wanted:
            return row
    return None


def _issue_text(issue: DataIssue) -> str:
    """Return a defect in the reader's language where its code is known."""
    if issue.code == "end_before_start":
        return _("The end must be after the start.")
    if issue.code == "overlapping_interval":
        return _(
            "This period overlaps another of the same participant with the same status; "
            "end the earlier one or correct that one instead."
        )
    if issue.code == "unknown_state":
        return _("This is not an ISO 3166-1 alpha-3 code of a state (for example UZB).")
    if issue.code.startswith("unknown_"):
        return _("This is not a known identifier: %(detail)s") % {"detail": issue.message}
    if issue.field in _PARTIAL_DATES and (
        issue.code == "invalid_date" or "pattern" in issue.message
    ):
        return _("Write a real date as YYYY, YYYY-MM or YYYY-MM-DD.")
    if issue.code == "date_out_of_range":
        return _("Give a date between 1900 and 2200.")
    if issue.message == "is required":
        return _("This field is required.")
    return issue.message


def _check(table: str, after: dict[str, str], fix: CorrectionRows) -> None:
    """Refuse a correction that would make the registry break a rule, naming the field."""
    tables = registry_tables()
    tables.pop("states")
    known = {(i.file, i.field, i.code, i.message) for i in check_tables(_copy(tables))}
    overlay(tables, [fix])
    line = None
    if after:
        keys = [row_key(table, row) for row in tables[table]]
        line = keys.index(row_key(table, after)) + 2
    field_errors: dict[str, list[str]] = {}
    for issue in check_tables(tables):
        if (issue.file, issue.field, issue.code, issue.message) in known:
            continue
        field = issue.field if issue.file == table and issue.line == line else "__all__"
        if field not in TABLES[table].columns:
            field = "__all__"
        field_errors.setdefault(field, []).append(_issue_text(issue))
    if field_errors:
        first = next(iter(field_errors.values()))[0]
        raise CurationError("invalid_correction", first, field_errors=field_errors)


def _copy(tables: dict[str, list[dict[str, str]]]) -> dict[str, list[dict[str, str]]]:
    return {name: [dict(row) for row in rows] for name, rows in tables.items()}


def propose_correction(
    actor: Any,
    *,
    table: str,
    action: str,
    key: Mapping[str, str],
    values: Mapping[str, str],
    citation: str,
    reason: str,
    now: datetime | None = None,
) -> Correction:
    """Propose a correction of one row; nothing in the registry changes yet.

    Args:
        key: the columns that name the row (for a change or a removal).
        values: the corrected columns (for a change or an addition); for an addition
            they include the key's columns.

    Raises:
        CurationError: ``not_curator`` (403), ``unknown_fact`` (404), ``fact_exists``,
            ``invalid_correction`` (with the message on each field).
    """
    _require_curator(actor)
    spec = TABLES.get(table)
    if spec is None or action not in CorrectionAction.values:
        raise CurationError("unknown_fact", _("There is no such registry fact."), status=404)
    citation = check_citation(citation)
    reason = reason.strip()
    if not reason:
        raise _field_error("reason", _("Say why the fact is wrong and what the source shows."))
    if len(reason) > MAX_REASON:
        raise _field_error(
            "reason", _("Keep the reason within %(limit)d characters.") % {"limit": MAX_REASON}
        )
    allowed = spec.columns if action == CorrectionAction.ADD else spec.editable
    # The page offers only these; a client of the API may send anything.
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise _field_error(
            unknown[0],
            _("%(column)s cannot be corrected here; correct one of: %(columns)s")
            % {"column": unknown[0], "columns": ", ".join(allowed)},
        )
    cleaned: dict[str, str] = {}
    for column in allowed:
        if action == CorrectionAction.CHANGE and column not in values:
            continue  # A change touches only the columns given.
        value = str(values.get(column, "")).strip()
        if len(value) > MAX_VALUE or _CONTROL.search(value):
            raise _field_error(
                column,
                _("Keep this within %(limit)d characters, without control characters.")
                % {"limit": MAX_VALUE},
            )
        cleaned[column] = value
    before: dict[str, str] = {}
    if action != CorrectionAction.ADD:
        found = current_row(table, key)
        if found is None:
            raise CurationError("unknown_fact", _("There is no such registry fact."), status=404)
        before = found
    columns = [spec["name"] for spec in registry_schemas()[table]["fields"]]
    after: dict[str, str] = {}
    if action == CorrectionAction.ADD:
        if current_row(table, cleaned) is not None:
            raise CurationError(
                "fact_exists",
                _("This fact is already in the registry: correct it instead."),
                field_errors={
                    "__all__": [_("This fact is already in the registry: correct it instead.")]
                },
            )
        after = {column: cleaned.get(column, "") for column in columns}
    elif action == CorrectionAction.CHANGE:
        after = {**before, **cleaned}
        if after == before:
            message = _("Nothing was changed: correct at least one value.")
            raise CurationError("no_change", message, field_errors={"__all__": [message]})
    with transaction.atomic():
        correction = Correction.objects.create(
            table=table,
            action=action,
            subject=key_text(table, before or after),
            before=before,
            after=after,
            citation=citation,
            reason=reason,
            proposed_by=actor,
            proposed_at=now or timezone.now(),
        )
        if after and "source" in columns:
            after["source"] = correction.source_key
            correction.after = after
            correction.save(update_fields=["after"])
        _check(
            table,
            after,
            CorrectionRows(
                correction.pk,
                table,
                action,
                before=before,
                after=after,
                source_row=curated_source_row(correction),
            ),
        )
    return correction


def _pending(correction_id: int) -> Correction:
    try:
        correction = Correction.objects.select_for_update().get(pk=correction_id)
    except Correction.DoesNotExist:
        raise CurationError(
            "unknown_correction", _("There is no such correction."), status=404
        ) from None
    if correction.status != CorrectionStatus.PROPOSED:
        raise CurationError(
            "already_reviewed", _("This correction has already been reviewed."), status=409
        )
    return correction


def approve_correction(
    actor: Any, *, correction_id: int, note: str = "", now: datetime | None = None
) -> Correction:
    """Apply a proposed correction, keep it as a version, and put it on the record.

    Raises:
        CurationError: ``not_curator`` (403), ``own_proposal`` (403: a second curator
            must approve unless the node allows self-approval), ``unknown_correction``
            (404), ``already_reviewed`` (409), ``stale_correction`` (409: the fact
            changed since it was proposed), ``invalid_correction``, ``not_hosted``.
    """
    _require_curator(actor)
    with transaction.atomic():
        correction = _pending(correction_id)
        if correction.proposed_by_id == actor.pk and not self_approval_allowed():
            raise CurationError(
                "own_proposal",
                _("A second curator must approve this correction: you proposed it."),
                status=403,
            )
        correction.status = CorrectionStatus.APPROVED
        correction.reviewed_by = actor
        correction.reviewed_at = now or timezone.now()
        correction.review_note = note.strip()[:MAX_REASON]
        try:
            conflicts = apply_corrections([correction_rows(correction)])
        except PackageError as error:
            raise CurationError(
                "invalid_correction",
                _(
                    "The registry changed since this was proposed and the correction now "
                    "breaks a rule: %(detail)s"
                )
                % {"detail": error.issues[0]},
                status=409,
            ) from None
        if conflicts:
            raise CurationError(
                "stale_correction",
                _(
                    "The fact changed since this correction was proposed; reject it and "
                    "propose again."
                ),
                status=409,
            )
        organization = curating_organization(actor)
        try:
            sign_correction(actor, correction)
        except RecordError as error:
            raise CurationError(
                "not_hosted",
                _(
                    "This node cannot sign for %(organization)s: set SIDELINE_CURATOR_ORGANIZATION "
                    "to an organization it hosts (%(detail)s)."
                )
                % {"organization": organization, "detail": error.message},
                status=409,
            ) from None
        correction.save()
    return correction


def sign_correction(actor: Any, correction: Correction) -> None:
    """Append an approved ``correction`` to the curating organization's log (kind
    ``registry.corrected``) and note where; the caller saves it.

    Raises:
        RecordError: this node cannot sign for the curating organization.
    """
    organization = curating_organization(actor)
    entry = append_entry(
        organization=organization,
        kind=RECORD_KIND,
        subject=f"correction/{correction.pk}",
        payload={
            "table": correction.table,
            "action": correction.action,
            "fact": correction.subject,
            "before": correction.before,
            "after": correction.after,
            "source": correction.citation,
            "reason": correction.reason,
            "proposed_by": correction.proposed_by.get_username(),
            "approved_by": actor.get_username(),
        },
    )
    correction.record_organization = organization
    correction.record_index = int(entry.index)


def reject_correction(
    actor: Any, *, correction_id: int, note: str, now: datetime | None = None
) -> Correction:
    """Reject a proposed correction with a reason; the registry is unchanged.

    Raises:
        CurationError: ``not_curator`` (403), ``unknown_correction`` (404),
            ``already_reviewed`` (409), ``invalid_correction`` (no reason given).
    """
    _require_curator(actor)
    note = note.strip()
    if not note:
        raise _field_error("note", _("Say why the correction is rejected."))
    with transaction.atomic():
        correction = _pending(correction_id)
        correction.status = CorrectionStatus.REJECTED
        correction.reviewed_by = actor
        correction.reviewed_at = now or timezone.now()
        correction.review_note = note[:MAX_REASON]
        correction.save()
    return correction
