"""Registry corrections under /api/curation: the curator's web journey as JSON.

Approved corrections are the registry's public history, readable by anyone; proposals and
rejections are for curators. Writes need a curator (token or session), exactly as the pages;
the services refuse everything else, so the page and the API cannot disagree.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field
from pydantic.config import JsonDict

from sideline.accounts.auth import API_AUTH, request_user
from sideline.accounts.permissions import can_curate
from sideline.curation.selectors import diff_rows
from sideline.curation.services import (
    MAX_CITATION,
    MAX_REASON,
    MAX_VALUE,
    approve_correction,
    propose_correction,
    reject_correction,
)
from sideline.errors import ApiError
from sideline.openapi import Input
from sideline.registry.curation_rows import TABLES
from sideline.registry.enums import CorrectionStatus
from sideline.registry.models import Correction
from sideline.validators import Text

__all__ = [
    "MAX_COLUMNS",
    "MAX_PAGE",
    "ChangeOut",
    "Column",
    "CorrectionIn",
    "CorrectionOut",
    "ListQuery",
    "ReviewIn",
    "Value",
    "add_correction",
    "approve",
    "correction_out",
    "get_correction",
    "list_corrections",
    "reject",
    "router",
]

router = Router(tags=["curation"])

# A row of any curated table has a few dozen columns at most.
MAX_COLUMNS = 40
MAX_PAGE = 200

Column = Annotated[str, Field(min_length=1, max_length=40, pattern="^[a-z_]+$")]
Value = Annotated[Text, Field(max_length=MAX_VALUE)]
# pydantic writes a key's pattern as patternProperties, which lets any other key through in
# the document; the model refuses them, so the document says so too.
_COLUMNS_ONLY: JsonDict = {
    "additionalProperties": False,
    "propertyNames": {"pattern": "^[a-z_]+$", "minLength": 1, "maxLength": 40},
}


class ChangeOut(Schema):
    column: str
    before: str
    after: str


class CorrectionOut(Schema):
    id: int
    table: str
    action: str
    fact: str
    status: str
    citation: str
    reason: str
    proposed_by: str
    proposed_at: str
    reviewed_by: str | None
    reviewed_at: str | None
    review_note: str
    changes: list[ChangeOut]
    record_organization: str | None
    record_index: int | None


class CorrectionIn(Input):
    table: Literal[tuple(sorted(TABLES))]  # type: ignore[valid-type]  # the curated tables
    action: Literal["change", "add", "remove"]
    key: dict[Column, Value] = Field(
        default_factory=dict,
        max_length=MAX_COLUMNS,
        description="the columns that name the row (to change or remove it)",
        json_schema_extra=_COLUMNS_ONLY,
    )
    values: dict[Column, Value] = Field(
        default_factory=dict,
        max_length=MAX_COLUMNS,
        description="the corrected columns (a change), or every column of the new row (an add)",
        json_schema_extra=_COLUMNS_ONLY,
    )
    citation: Annotated[Text, Field(max_length=MAX_CITATION)]
    reason: Annotated[Text, Field(max_length=MAX_REASON)]


class ReviewIn(Input):
    note: Annotated[Text, Field(max_length=MAX_REASON)] = ""


class ListQuery(Schema):
    status: Literal["proposed", "approved", "rejected"] | None = None
    limit: int = Field(50, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0)


def _username(user: Any) -> str | None:
    return None if user is None else str(user.get_username())


def correction_out(correction: Correction) -> dict[str, Any]:
    return {
        "id": correction.pk,
        "table": correction.table,
        "action": correction.action,
        "fact": correction.subject,
        "status": correction.status,
        "citation": correction.citation,
        "reason": correction.reason,
        "proposed_by": _username(correction.proposed_by),
        "proposed_at": correction.proposed_at.isoformat(),
        "reviewed_by": _username(correction.reviewed_by),
        "reviewed_at": correction.reviewed_at.isoformat() if correction.reviewed_at else None,
        "review_note": correction.review_note,
        "changes": [
            {"column": column, "before": before, "after": after}
            for column, before, after in diff_rows(correction)
        ],
        "record_organization": correction.record_organization or None,
        "record_index": correction.record_index,
    }


def _visible(user: Any) -> QuerySet[Correction]:
    corrections = Correction.objects.select_related("proposed_by", "reviewed_by")
    if can_curate(user):
        return corrections
    return corrections.filter(status=CorrectionStatus.APPROVED)


def _correction(request: HttpRequest, pk: int) -> Correction:
    correction = _visible(request_user(request)).filter(pk=pk).first()
    if correction is None:
        raise ApiError(404, "unknown_correction", f"no correction {pk} that you may see")
    return correction


@router.get("/corrections", response=list[CorrectionOut])
def list_corrections(request: HttpRequest, query: Query[ListQuery]) -> list[dict[str, Any]]:
    """Corrections, newest first: approved ones for everybody, all of them for curators."""
    corrections = _visible(request_user(request))
    if query.status is not None:
        corrections = corrections.filter(status=query.status)
    page = corrections.order_by("-proposed_at", "-pk")[query.offset : query.offset + query.limit]
    return [correction_out(c) for c in page]


@router.get("/corrections/{pk}", response=CorrectionOut)
def get_correction(request: HttpRequest, pk: int) -> dict[str, Any]:
    return correction_out(_correction(request, pk))


@router.post("/corrections", response={201: CorrectionOut}, auth=API_AUTH)
def add_correction(request: HttpRequest, payload: CorrectionIn) -> Any:
    """Propose a correction of one registry fact, with its source; a second curator reviews it."""
    correction = propose_correction(
        request.auth,  # type: ignore[attr-defined]  # set by ninja's auth
        table=payload.table,
        action=payload.action,
        key=payload.key,
        values=payload.values,
        citation=payload.citation,
        reason=payload.reason,
    )
    return Status(201, correction_out(_correction(request, correction.pk)))


@router.post("/corrections/{pk}/approve", response=CorrectionOut, auth=API_AUTH)
def approve(request: HttpRequest, pk: int, payload: ReviewIn) -> dict[str, Any]:
    """Apply a proposed correction (a curator other than its proposer, unless the node allows)."""
    approve_correction(request.auth, correction_id=pk, note=payload.note)  # type: ignore[attr-defined]
    return correction_out(_correction(request, pk))


@router.post("/corrections/{pk}/reject", response=CorrectionOut, auth=API_AUTH)
def reject(request: HttpRequest, pk: int, payload: ReviewIn) -> dict[str, Any]:
    """Reject a proposed correction, saying why; the registry is unchanged."""
    reject_correction(request.auth, correction_id=pk, note=payload.note)  # type: ignore[attr-defined]
    return correction_out(_correction(request, pk))
