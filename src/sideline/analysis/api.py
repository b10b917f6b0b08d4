"""Analysis endpoints under /api/analysis: overlap, duplication, bridges, balance, votes.

Every endpoint answers "as of" a date (today by default). The cores' typed errors
(:mod:`sideline.analysis.errors`) become the API's one error body here, once, in
:func:`_translated`: unknown states and organizations are 404, the other mistakes 400.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, ParamSpec, TypeVar

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from sideline.analysis.errors import AnalysisError
from sideline.analysis.exports import (
    balance_export,
    bridges_export,
    duplication_export,
    network_export,
    overlap_export,
    ties_export,
    voting_export,
)
from sideline.analysis.facts import MEMBERS_ONLY, MembershipStatus, parse_statuses
from sideline.analysis.selectors import (
    balance_report,
    bridge_report,
    current_snapshot,
    duplication_report,
    overlap_report,
    planner_instance,
    suggestion_report,
    vote_dataset,
    voting_report,
)
from sideline.analysis.suggest import DEFAULT_THRESHOLD
from sideline.analysis.ties import relations_network
from sideline.analysis.ties_report import formal_ties, ties_report
from sideline.errors import ApiError, parse_date_argument
from sideline.validators import Year

router = Router(tags=["analysis"])

# The cores' bounds (suggest.py, balance.py), declared in the document; the cores refuse a
# value outside them with a message naming the argument.
Threshold = Annotated[
    float, Field(description="from 0 to 1", json_schema_extra={"minimum": 0, "maximum": 1})
]
HalfLife = Annotated[
    float, Field(description="years, above 0", json_schema_extra={"exclusiveMinimum": 0})
]

P = ParamSpec("P")
R = TypeVar("R")

_NOT_FOUND = {"unknown_state", "unknown_organization"}
# The cores name arguments as the library does; the API's caller knows the parameters.
_PARAMETERS = {"day": "as_of", "start": "from", "end": "to"}


def api_error(error: AnalysisError) -> ApiError:
    """Return the API error for a core error: same code, the parameter's name, 404 or 400."""
    field = _PARAMETERS.get(error.argument, error.argument)
    message = error.message
    if message.startswith(f"{error.argument} "):
        message = f"{field} {message.removeprefix(f'{error.argument} ')}"
    status = 404 if error.code in _NOT_FOUND else 400
    return ApiError(status, error.code, message, field=field)


def _translated(view: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return view(*args, **kwargs)
        except AnalysisError as error:
            raise api_error(error) from None

    return wrapper


def _day(as_of: str | None) -> date:
    day = parse_date_argument(as_of, name="as_of", default=timezone.localdate())
    assert day is not None  # a default is given
    return day


def _statuses(statuses: str | None) -> frozenset[MembershipStatus]:
    if statuses is None:
        return MEMBERS_ONLY
    return parse_statuses(s.strip() for s in statuses.split(",") if s.strip())


class OverlapPairOut(Schema):
    organizations: list[str]
    sizes: list[int]
    shared_count: int
    shared: list[str]
    jaccard: float
    overlap_coefficient: float


class OverlapOut(Schema):
    as_of: date
    statuses: list[str]
    organizations: list[str]
    sizes: list[int]
    jaccard: list[list[float]]
    pairs: list[OverlapPairOut]


class SharedFunctionOut(Schema):
    function: str
    weights: list[float]


class DuplicationOut(Schema):
    organizations: list[str]
    day: date
    score: float
    functional: float
    membership: float
    shared_functions: list[SharedFunctionOut]
    shared_states: list[str]
    explanation: str


class TieOut(Schema):
    id: str
    kind: str


class PairTiesOut(Schema):
    organizations: list[str]
    day: str
    ties: list[TieOut]
    has_tie: bool
    score: float
    functional: float
    membership: float
    shared_states: list[str]


class RelationEdgeOut(Schema):
    source: str
    target: str
    kinds: list[str]
    ties: list[str]


class BridgeStateOut(Schema):
    state: str
    bloc_count: int
    blocs: list[str]
    organizations: list[str]
    betweenness: float


class EdgeOut(Schema):
    organization: str
    state: str


class YearBalanceOut(Schema):
    year: int
    weights: dict[str, float]
    shares: dict[str, float] | None
    index: float | None
    hhi: float | None


class BalanceOut(Schema):
    state: str
    pillars: list[str]
    half_life: float | None
    trend: float | None
    years: list[YearBalanceOut]


class VotingSessionOut(Schema):
    session: int
    year: int
    us: float | None = None
    russia: float | None = None
    china: float | None = None
    eu: float | None = None


class VotingOut(Schema):
    state: str
    pillars: list[str]
    sessions: list[VotingSessionOut]


class RequestOut(Schema):
    id: str
    organizations: list[str]
    topic: str
    priority: int
    slots: int
    not_before: date | None = None
    not_after: date | None = None


@router.get(
    "/overlap", response=OverlapOut, summary="Member states shared by each pair of organizations"
)
@_translated
def get_overlap(
    request: HttpRequest, as_of: str | None = None, statuses: str | None = None
) -> dict[str, object]:
    """Pairs sharing at least one state come highest Jaccard index first."""
    chosen = _statuses(statuses)
    report = overlap_report(day=_day(as_of), statuses=chosen)
    return {
        "as_of": report.day,
        "statuses": sorted(s.value for s in chosen),
        "organizations": list(report.organizations),
        "sizes": list(report.sizes),
        "jaccard": [list(row) for row in report.jaccard],
        "pairs": overlap_export(report).records,
    }


@router.get(
    "/duplication",
    response=list[DuplicationOut],
    summary="Pairs of organizations by functional duplication, highest first",
)
@_translated
def get_duplication(request: HttpRequest, as_of: str | None = None) -> list[dict[str, object]]:
    return duplication_export(duplication_report(day=_day(as_of))).records


@router.get(
    "/ties",
    response=list[PairTiesOut],
    summary="Pairs of organizations: formal ties against duplication and shared members",
)
@_translated
def get_ties(
    request: HttpRequest, as_of: str | None = None, untied: bool = False
) -> list[dict[str, object]]:
    records = ties_export(ties_report(day=_day(as_of), snapshot=current_snapshot())).records
    return [r for r in records if not r["has_tie"]] if untied else records


@router.get(
    "/relations-network",
    response=list[RelationEdgeOut],
    summary="The network of formal ties between organizations",
)
@_translated
def get_relations_network(
    request: HttpRequest, as_of: str | None = None
) -> list[dict[str, object]]:
    return relations_network(formal_ties(), day=_day(as_of))


@router.get(
    "/bridges",
    response=list[BridgeStateOut],
    summary="States ranked by the blocs their organizations span",
)
@_translated
def get_bridges(
    request: HttpRequest, as_of: str | None = None, statuses: str | None = None
) -> list[dict[str, object]]:
    report = bridge_report(day=_day(as_of), statuses=_statuses(statuses))
    return bridges_export(report).records


@router.get("/network", response=list[EdgeOut], summary="The organization–state membership network")
@_translated
def get_network(
    request: HttpRequest, as_of: str | None = None, statuses: str | None = None
) -> list[dict[str, object]]:
    report = bridge_report(day=_day(as_of), statuses=_statuses(statuses))
    return network_export(report).records


@router.get(
    "/balance/{state}",
    response=BalanceOut,
    summary="A state's balance between the pillars, year by year",
)
@_translated
def get_balance(
    request: HttpRequest,
    state: str,
    start: int | None = Query(None, alias="from"),  # type: ignore[type-arg]  # ninja's marker
    end: int | None = Query(None, alias="to"),  # type: ignore[type-arg]  # ninja's marker
    half_life: HalfLife | None = None,
) -> dict[str, object]:
    """``from`` and ``to`` are years (default: the last ten years up to this one)."""
    this_year = timezone.localdate().year
    chosen_end = this_year if end is None else end
    chosen_start = chosen_end - 9 if start is None else start
    if chosen_start > chosen_end:
        raise ApiError(
            400,
            "empty_period",
            f"from {chosen_start} is after to {chosen_end}; give from <= to",
            field="from",
        )
    series = balance_report(
        state=state.upper(), start=chosen_start, end=chosen_end, half_life=half_life
    )
    return {**series.as_dict(), "years": balance_export(series).records}


@router.get(
    "/voting/{state}",
    response=VotingOut,
    summary="A state's UN General Assembly agreement with each pillar, by session",
)
@_translated
def get_voting(
    request: HttpRequest,
    state: str,
    start: int | None = Query(None, alias="from"),  # type: ignore[type-arg]  # ninja's marker
    end: int | None = Query(None, alias="to"),  # type: ignore[type-arg]  # ninja's marker
) -> dict[str, object]:
    """``from`` and ``to`` are years; session *s* opens in 1945 + *s*."""
    dataset = vote_dataset()
    if dataset is None:
        raise ApiError(
            404,
            "no_vote_data",
            "no UN votes are imported; an operator runs: sideline data import-unvotes DIR",
        )
    report = voting_report(dataset=dataset, state=state.upper(), start=start, end=end)
    return {
        "state": report.state,
        "pillars": list(report.pillars),
        "sessions": voting_export(report).records,
    }


@router.get(
    "/suggestions",
    response=list[RequestOut],
    summary="Suggested meeting requests (planner format), best first",
    exclude_none=True,
)
@_translated
def get_suggestions(
    request: HttpRequest,
    as_of: str | None = None,
    threshold: Threshold = DEFAULT_THRESHOLD,
    common_forum: bool = False,
) -> list[dict[str, object]]:
    return suggestion_report(day=_day(as_of), threshold=threshold, common_forum=common_forum)


@router.get(
    "/suggestions/instance",
    response=dict[str, Any],
    summary="A planner instance (sideline.plan-instance/1) of a year's sessions and suggestions",
)
@_translated
def get_planner_instance(
    request: HttpRequest,
    as_of: str | None = None,
    threshold: Threshold = DEFAULT_THRESHOLD,
    year: Year | None = None,
) -> dict[str, object]:
    day = _day(as_of)
    return planner_instance(day=day, year=day.year if year is None else year, threshold=threshold)
