"""Reads of preventive diplomacy: the monitor of a state, signals with their skill, concerns.

Where nothing of a kind was imported, the bundled CC BY files (yearly deaths and
conflict-years) are read instead, so that a fresh node shows the record at once.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Prefetch, Q, QuerySet

from sideline.accounts.permissions import organization_id_of
from sideline.prevention import formats
from sideline.prevention.bundle import BUNDLED_FILES, bundled_paths
from sideline.prevention.codes import REGION, bundled_codes, neighbours_of
from sideline.prevention.enums import ConcernStatus, DataKind
from sideline.prevention.models import Concern, ConflictYear, Dataset, Endorsement, StateValue
from sideline.prevention.scoring import (
    WINDOWS,
    Score,
    base_rate_forecast,
    last_forecast,
    score_forecaster,
    score_rule,
    zero_forecast,
)
from sideline.prevention.series import (
    BaseRates,
    Episode,
    MonthTable,
    base_rates,
    episodes,
    month_index,
)
from sideline.prevention.signals import (
    Signal,
    above_base_rate,
    evaluate,
    neighbour_fighting,
    new_conflict_year,
)
from sideline.registry.models import State

__all__ = [
    "DatasetInfo",
    "Monitor",
    "Outcome",
    "Suggestion",
    "conflict_records",
    "consultation_outcome",
    "datasets",
    "forecasts",
    "known_state",
    "monitor",
    "month_table",
    "open_concerns",
    "region_states",
    "signal_skill",
    "suggest_for_concern",
    "suggest_for_signals",
    "visible_concerns",
]


@dataclass(frozen=True)
class DatasetInfo:
    kind: str
    name: str
    layout: str
    source: str
    licence: str
    first_period: str
    last_period: str
    rows: int
    sha256: str
    bundled: bool
    imported_at: Any


@functools.cache
def _bundled(name: str) -> formats.ConflictFile:
    path = next(p for p in bundled_paths() if p.name == name)
    return formats.read_conflict_file(path)


def datasets() -> dict[str, DatasetInfo]:
    """Return the data in use by kind: imported, or else the bundled files."""
    found = {
        d.kind: DatasetInfo(
            d.kind,
            d.name,
            d.layout,
            d.source,
            d.licence,
            d.first_period,
            d.last_period,
            d.rows,
            d.sha256,
            d.bundled,
            d.imported_at,
        )
        for d in Dataset.objects.all()
    }
    for name, kind in zip(
        BUNDLED_FILES, (DataKind.COUNTRY_YEAR, DataKind.CONFLICT_YEAR), strict=True
    ):
        if kind not in found:
            data = _bundled(name)
            span = data.span or ("", "")
            found[kind] = DatasetInfo(
                kind,
                name,
                data.layout,
                "UCDP (bundled with Sideline; see the data's README)",
                "UCDP data CC BY 4.0",
                span[0],
                span[1],
                data.rows,
                data.sha256,
                True,
                None,
            )
    return found


def _version_key() -> str:
    stamp = list(Dataset.objects.order_by("kind").values_list("kind", "sha256"))
    return "prevention:" + "|".join(f"{k}:{s[:12]}" for k, s in stamp)


def _values(kind: str) -> list[formats.StateValue]:
    dataset = Dataset.objects.filter(kind=kind).first()
    if dataset is None:
        if kind == DataKind.COUNTRY_YEAR:
            return list(_bundled(BUNDLED_FILES[0]).values)
        return []
    return [
        formats.StateValue(s, y, m or None, v)
        for s, y, m, v in StateValue.objects.filter(dataset=dataset).values_list(
            "state", "year", "month", "value"
        )
    ]


def month_table() -> MonthTable | None:
    """Return the imported country-month deaths, or ``None`` when none were imported."""
    key = _version_key() + ":months"
    table: MonthTable | None = cache.get(key)
    if table is None:
        values = _values(DataKind.COUNTRY_MONTH)
        if not values:
            return None
        table = MonthTable.from_state_values(values)
        cache.set(key, table, 3600)
    return table


def forecasts() -> dict[str, dict[int, float]]:
    """Return the imported monthly forecasts by state and month."""
    found: dict[str, dict[int, float]] = {}
    for v in _values(DataKind.FORECAST_MONTH):
        if v.month:
            found.setdefault(v.state, {})[month_index(v.year, v.month)] = v.value
    return found


def conflict_records() -> list[formats.ConflictRecord]:
    """Return the conflict-years in use (imported, or the bundled ones)."""
    dataset = Dataset.objects.filter(kind=DataKind.CONFLICT_YEAR).first()
    if dataset is None:
        return list(_bundled(BUNDLED_FILES[1]).conflicts)
    return [
        formats.ConflictRecord(c, y, tuple(s.split()), i, t, e, end)
        for c, y, s, i, t, e, end in ConflictYear.objects.filter(dataset=dataset).values_list(
            "conflict_id",
            "year",
            "states",
            "intensity",
            "conflict_type",
            "episode_start",
            "episode_end",
        )
    ]


@dataclass(frozen=True)
class Monitor:
    """Everything the monitor page shows for one state."""

    state: str
    name: str
    yearly: dict[int, float]
    monthly: list[tuple[int, float]] | None
    rates: BaseRates | None
    episodes: list[Episode]
    signals: list[Signal]
    neighbours: tuple[str, ...] | None
    datasets: dict[str, DatasetInfo] = field(default_factory=dict)


def monitor(state: str, *, months: int = 120) -> Monitor:
    """Return the record of ``state``: yearly and (if imported) monthly deaths, the last
    ``months`` months of the series, base rates, episodes and today's signals."""
    state = state.upper()
    yearly: dict[int, float] = {}
    table = month_table()
    if table is not None:
        for index, value in table.deaths.get(state, {}).items():
            yearly[index // 12] = yearly.get(index // 12, 0.0) + value
        for year in range(table.first // 12, table.last // 12 + 1):
            yearly.setdefault(year, 0.0)
    else:
        for v in _values(DataKind.COUNTRY_YEAR):
            if v.state == state:
                yearly[v.year] = yearly.get(v.year, 0.0) + v.value
        info = datasets().get(DataKind.COUNTRY_YEAR)
        if info is not None and info.first_period:
            for year in range(int(info.first_period[:4]), int(info.last_period[:4]) + 1):
                yearly.setdefault(year, 0.0)
    records = conflict_records()
    monthly = rates = None
    signals: list[Signal] = []
    if table is not None:
        start = max(table.first, table.last - months + 1)
        monthly = [(i, table.value(state, i)) for i in range(start, table.last + 1)]
        rates = base_rates(table, state)
        signals = evaluate(
            table=table, records=records, forecasts=forecasts(), state=state, at=table.last
        )
    return Monitor(
        state=state,
        name=bundled_codes().name_of(state),
        yearly=dict(sorted(yearly.items())),
        monthly=monthly,
        rates=rates,
        episodes=episodes(records, state),
        signals=signals,
        neighbours=neighbours_of(state),
        datasets=datasets(),
    )


def signal_skill() -> list[Score]:
    """Score the rules and the simple baselines on the windows 2018–2023 (cached).

    Uses the imported monthly data as the actuals; empty without it. The ViEWS
    benchmark forecasts are scored by ``bench/prevention_scores.py`` (they are not
    shipped).
    """
    table = month_table()
    if table is None:
        return []
    key = _version_key() + ":skill"
    scores: list[Score] | None = cache.get(key)
    if scores is not None:
        return scores
    records = conflict_records()
    windows = [
        y
        for y in WINDOWS
        if table.first <= month_index(y - 11, 1) and month_index(y, 12) <= table.last
    ]
    scores = []
    rules = {
        "above_base_rate": lambda s, at: above_base_rate(table, s, at=at).raised,
        "new_conflict_year": lambda s, at: new_conflict_year(records, s, at=at).raised,
        "neighbour_fighting": lambda s, at: neighbour_fighting(table, s, at=at).raised,
    }
    for scope in ("central_asia", "central_asia_afghanistan"):
        for year in windows:
            for name, forecaster in (
                ("zero", zero_forecast),
                ("last", last_forecast),
                ("base_rate", base_rate_forecast),
            ):
                score = score_forecaster(name, forecaster, actuals=table, year=year, scope=scope)
                if score is not None:
                    scores.append(score)
            for name, rule in rules.items():
                score = score_rule(name, rule, actuals=table, year=year, scope=scope)
                if score is not None:
                    scores.append(score)
    cache.set(key, scores, 3600)
    return scores


def region_states() -> tuple[str, ...]:
    return REGION


def known_state(code: str) -> str | None:
    """Return the state's code in capitals when the registry or the data knows it."""
    code = code.upper()
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        return None
    if State.objects.filter(code=code).exists() or code in bundled_codes().names:
        return code
    return None


# --- concerns --------------------------------------------------------------------------


def visible_concerns(user: Any) -> QuerySet[Concern]:
    """Return the concerns the user may read: public ones, and confidential ones of which
    the user's organization is the author or one of the organizations concerned."""
    org_id = organization_id_of(user)
    condition = Q(public=True)
    if org_id is not None:
        condition |= Q(organization_id=org_id) | Q(concerned__id=org_id)
    elif getattr(user, "is_superuser", False) and user.is_active:
        condition = Q()
    ids = Concern.objects.filter(condition).values("pk")
    return (
        Concern.objects.filter(pk__in=ids)
        .select_related("organization", "state", "other_state")
        .prefetch_related(
            "concerned",
            Prefetch("endorsements", queryset=Endorsement.objects.select_related("organization")),
        )
    )


def open_concerns(user: Any) -> QuerySet[Concern]:
    return visible_concerns(user).filter(status=ConcernStatus.OPEN)


# --- from concern to consultation -------------------------------------------------------

# A concern's severity (1–4) and a raised rule give the planner's priority (1–100).
SEVERITY_PRIORITY = {1: 25, 2: 50, 3: 75, 4: 100}
SIGNAL_PRIORITY = 50


@dataclass(frozen=True)
class Suggestion:
    """A meeting request to suggest: organizations, topic and priority, and why."""

    state: str
    organizations: tuple[str, ...]
    priority: int
    reason: str
    topic: str = "conflict-prevention"


def _member_slugs(codes: list[str], *, day: Any) -> set[str]:
    from sideline.registry.models import Membership
    from sideline.registry.selectors import in_force_on

    return set(
        Membership.objects.filter(
            in_force_on(day), state__code__in=codes, status="member"
        ).values_list("organization__slug", flat=True)
    )


def suggest_for_concern(concern: Concern, *, day: Any) -> Suggestion | None:
    """The organizations concerned of which the state (or the border's other state) is a
    member on ``day``, when they are two or more; else ``None``."""
    codes = [concern.state.code] + ([concern.other_state.code] if concern.other_state else [])
    members = _member_slugs(codes, day=day)
    organizations = tuple(sorted(o.slug for o in concern.concerned.all() if o.slug in members))
    if len(organizations) < 2:
        return None
    return Suggestion(
        concern.state.code,
        organizations,
        SEVERITY_PRIORITY[concern.severity],
        f"concern {concern.pk}",
    )


def suggest_for_signals(*, day: Any) -> list[Suggestion]:
    """For each state of the region with a raised rule: the organizations with a conflict-
    prevention mandate of which it is a member, when two or more."""
    from sideline.registry.models import Mandate

    mandated = set(
        Mandate.objects.filter(function__slug="conflict-prevention").values_list(
            "organization__slug", flat=True
        )
    )
    found = []
    for state in REGION:
        m = monitor(state)
        raised = [s.rule for s in m.signals if s.raised]
        if not raised:
            continue
        organizations = tuple(sorted(_member_slugs([state], day=day) & mandated))
        if len(organizations) >= 2:
            found.append(
                Suggestion(state, organizations, SIGNAL_PRIORITY, "rules: " + ", ".join(raised))
            )
    return found


@dataclass(frozen=True)
class Outcome:
    """Where a consultation stands: the planner's request, the meetings, decisions,
    commitments and their statuses."""

    key: str
    year: int
    state: str  # placed, unplaced, not_planned, or missing
    placed_at: str
    meetings: list[dict[str, Any]]


def consultation_outcome(*, year: int, key: str, user: Any) -> Outcome:
    """Follow a request to its placement and the meetings held for it (that the user may see)."""
    from django.utils import timezone

    from sideline.meetings.models import Meeting
    from sideline.meetings.permissions import can_view_meeting
    from sideline.planner.services import request_statuses

    _, statuses = request_statuses(year=year)
    status = next((s for s in statuses if s.request.key == key), None)
    placed_at = ""
    if status is not None and status.meeting is not None:
        placed = status.meeting
        where = placed.session.key if placed.session else placed.summit
        placed_at = f"{placed.date.isoformat()} {where}"
    meetings = []
    now = timezone.now()
    for meeting in Meeting.objects.filter(planner_request=key).prefetch_related(
        "decisions__commitments"
    ):
        if not can_view_meeting(user, meeting):
            continue
        decisions = list(meeting.decisions.all())
        commitments = [c for d in decisions for c in d.commitments.all()]
        meetings.append(
            {
                "id": meeting.pk,
                "title": meeting.title,
                "date": meeting.date,
                "decisions": [(d.number, d.title, d.status) for d in decisions],
                "commitments": [(c.description[:80], c.status_at(now)) for c in commitments],
            }
        )
    return Outcome(
        key, year, status.state if status is not None else "missing", placed_at, meetings
    )
