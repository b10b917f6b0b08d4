"""Preventive diplomacy under /api/prevention: the monitor, data versions, signal skill."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from sideline.accounts.auth import API_AUTH, request_user
from sideline.errors import ApiError
from sideline.openapi import Input
from sideline.prevention import services
from sideline.prevention.exports import monitor_json
from sideline.prevention.models import Concern
from sideline.prevention.selectors import (
    consultation_outcome,
    datasets,
    known_state,
    monitor,
    signal_skill,
    suggest_for_signals,
    visible_concerns,
)
from sideline.validators import EARLIEST, LATEST, Text

router = Router(tags=["prevention"])


@router.get("/states/{code}")
def get_state(request: HttpRequest, code: str) -> dict[str, Any]:
    """The record of a state: yearly and monthly deaths, base rates, episodes, signals."""
    state = known_state(code)
    if state is None:
        raise ApiError(
            404, "unknown_state", f"no state {code!r}; give an ISO 3166 alpha-3 code", field="code"
        )
    return monitor_json(monitor(state))


@router.get("/datasets")
def list_datasets(request: HttpRequest) -> list[dict[str, Any]]:
    """The data in use: file, source, licence, span and SHA-256 of each kind."""
    return [
        {
            "kind": d.kind,
            "file": d.name,
            "source": d.source,
            "licence": d.licence,
            "from": d.first_period,
            "to": d.last_period,
            "rows": d.rows,
            "sha256": d.sha256,
            "bundled": d.bundled,
        }
        for d in datasets().values()
    ]


@router.get("/skill")
def list_skill(request: HttpRequest) -> list[dict[str, Any]]:
    """Each rule's and baseline's mean CRPS and Brier score per window and scope."""
    return [
        {
            "name": s.name,
            "window": s.window,
            "scope": s.scope,
            "n": s.n,
            "crps": s.crps,
            "brier": s.brier,
        }
        for s in signal_skill()
    ]


# The document states what the services enforce, so that a schema-valid body is refused
# only for what no schema can say (an unknown slug is a 404, as everywhere).
_CONTROL = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f"
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]
StateCode = Annotated[str, Field(pattern=r"^[A-Za-z]{3}$")]
# Text with at least one character that is not a space, and no control character (the
# validators' rule, restated because one pattern per field reaches the document).
Filled = Annotated[str, Field(pattern=f"^[^{_CONTROL}]*[^{_CONTROL}\\s][^{_CONTROL}]*$")]


class ConcernIn(Input):
    organization: Slug
    state: StateCode
    other_state: StateCode | None = None
    title: Annotated[Filled, Field(max_length=200)]
    text: Annotated[Filled, Field(max_length=services.MAX_TEXT)]
    severity: Annotated[int, Field(ge=1, le=4)]
    sources: Annotated[
        list[Annotated[Filled, Field(max_length=1000)]], Field(max_length=services.MAX_SOURCES)
    ] = []
    concerned: Annotated[list[Slug], Field(max_length=40)] = []
    public: bool = False


class EndorsementIn(Input):
    organization: Slug
    note: Annotated[Text, Field(max_length=500)] = ""


class ConsultationIn(Input):
    organizations: Annotated[set[Slug], Field(min_length=2, max_length=40)]
    priority: Annotated[int, Field(ge=1, le=100)] = 50
    year: Annotated[int, Field(ge=EARLIEST.year, le=LATEST.year)] | None = None


class ConcernOut(Schema):
    id: int
    # The concern's global identifier, the same on every node that holds it (null for
    # a concern raised before concerns were ops).
    op_id: str | None
    organization: str
    state: str
    other_state: str | None
    title: str
    text: str
    sources: list[str]
    severity: int
    concerned: list[str]
    public: bool
    status: str
    endorsed_by: list[str]
    record_index: int | None
    request: str | None
    outcome: str | None


def concern_out(concern: Concern, *, user: Any) -> dict[str, Any]:
    outcome = (
        consultation_outcome(year=concern.request_year, key=concern.request_key, user=user).state
        if concern.request_key and concern.request_year
        else None
    )
    return {
        "id": concern.pk,
        "op_id": concern.op_id,
        "organization": concern.organization.slug,
        "state": concern.state.code,
        "other_state": concern.other_state.code if concern.other_state else None,
        "title": concern.title,
        "text": concern.text,
        "sources": list(concern.sources),
        "severity": concern.severity,
        "concerned": sorted(o.slug for o in concern.concerned.all()),
        "public": concern.public,
        "status": concern.status,
        "endorsed_by": [e.organization.slug for e in concern.endorsements.all()],
        "record_index": concern.record_index,
        "request": f"{concern.request_year}/{concern.request_key}" if concern.request_key else None,
        "outcome": outcome,
    }


def _concern(request: HttpRequest, pk: int) -> Concern:
    concern = visible_concerns(request_user(request)).filter(pk=pk).first()
    if concern is None:
        raise ApiError(404, "unknown_concern", f"no concern {pk} that you may see")
    return concern


@router.get("/concerns", response=list[ConcernOut])
def list_concerns(request: HttpRequest) -> list[dict[str, Any]]:
    """The concerns the caller may read: public ones and those of the caller's organization."""
    user = request_user(request)
    return [concern_out(c, user=user) for c in visible_concerns(user)]


@router.get("/concerns/{pk}", response=ConcernOut)
def get_concern(request: HttpRequest, pk: int) -> dict[str, Any]:
    return concern_out(_concern(request, pk), user=request_user(request))


@router.post("/concerns", response={201: ConcernOut}, auth=API_AUTH)
def add_concern(request: HttpRequest, payload: ConcernIn) -> Any:
    """Raise a concern for the caller's organization; it goes onto that organization's log."""
    concern = services.raise_concern(actor=request.auth, **payload.dict())  # type: ignore[attr-defined]  # set by ninja's auth
    return Status(201, concern_out(concern, user=request.auth))  # type: ignore[attr-defined]


@router.post("/concerns/{pk}/endorsements", response={201: ConcernOut}, auth=API_AUTH)
def endorse(request: HttpRequest, pk: int, payload: EndorsementIn) -> Any:
    concern = _concern(request, pk)
    services.endorse_concern(
        actor=request.auth,  # type: ignore[attr-defined]
        concern=concern,
        organization=payload.organization,
        note=payload.note,
    )
    return Status(201, concern_out(_concern(request, pk), user=request.auth))  # type: ignore[attr-defined]


@router.post("/concerns/{pk}/consultation", response={201: ConcernOut}, auth=API_AUTH)
def consult(request: HttpRequest, pk: int, payload: ConsultationIn) -> Any:
    """Turn the concern into a planner meeting request (coordinators)."""
    concern = _concern(request, pk)
    services.place_consultation(
        actor=request.auth,  # type: ignore[attr-defined]
        concern=concern,
        organizations=sorted(payload.organizations),
        priority=payload.priority,
        year=payload.year,
    )
    return Status(201, concern_out(_concern(request, pk), user=request.auth))  # type: ignore[attr-defined]


class SuggestionOut(Schema):
    state: str
    organizations: list[str]
    priority: int
    topic: str
    reason: str


@router.get("/suggestions", response=list[SuggestionOut])
def list_suggestions(request: HttpRequest) -> list[dict[str, Any]]:
    """Meeting requests suggested by the raised rules of Central Asia and its neighbours."""
    return [
        {
            "state": s.state,
            "organizations": list(s.organizations),
            "priority": s.priority,
            "topic": s.topic,
            "reason": s.reason,
        }
        for s in suggest_for_signals(day=timezone.localdate())
    ]
