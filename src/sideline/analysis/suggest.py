"""Suggested meeting requests where organizations duplicate each other.

For every pair of organizations whose duplication score (see
:mod:`sideline.analysis.duplication`) reaches ``threshold``, one request per function
both hold a mandate over, in the planner's ``sideline.plan-instance/1`` request format:

* ``id`` = ``dup-<a>-<b>-<function>`` (slugs sorted), stable across runs;
* ``organizations`` = the pair, sorted; ``topic`` = the function slug; ``slots`` = 1;
* ``priority`` = ``round(10 · S · c)`` clamped to 1..10, where *S* is the pair's score
  and *c* the function's common weight (1 when core for both, 0.5 otherwise), so that a
  shared core function of a highly duplicating pair comes first;
* ``not_before`` / ``not_after`` when a window is given.

When ``ties`` (formal ties between organizations, :mod:`sideline.analysis.ties`) are
given, a pair with no tie in force on the day gains 1 in priority (still at most 10):
where two organizations duplicate each other and have no channel at all, a first meeting
matters most.

Requests are sorted by priority, then score, then id (best first). When ``attendees``
lists who attends each forum session, a pair is suggested only if some session is
attended by both (a sideline meeting needs a common forum).

>>> from datetime import date
>>> from sideline.analysis.snapshot import RegistrySnapshot
>>> snapshot = RegistrySnapshot.from_rows(
...     organizations=[{"slug": "nato", "bloc": "euro_atlantic"},
...                    {"slug": "csto", "bloc": "eurasian"}],
...     memberships=[{"organization": "nato", "state": "USA", "status": "member", "start": "1949"}],
...     mandates=[{"organization": "nato", "function": "counter-narcotics", "weight": "secondary"},
...               {"organization": "csto", "function": "counter-narcotics", "weight": "core"}],
... )
>>> # F = 0.5 / 1, M = 0, S = 0.75 * 0.5 = 0.375; priority round(10 * 0.375 * 0.5) = 2
>>> suggest_meeting_requests(snapshot, day=date(2013, 1, 1), threshold=0.3)
... # doctest: +NORMALIZE_WHITESPACE
[{'id': 'dup-csto-nato-counter-narcotics', 'organizations': ['csto', 'nato'],
  'topic': 'counter-narcotics', 'priority': 2, 'slots': 1}]
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sideline.analysis.duplication import DEFAULT_FUNCTION_WEIGHT, duplication_ranking
from sideline.analysis.errors import EmptyPeriodError, InvalidArgumentError
from sideline.analysis.facts import MEMBERS_ONLY, MembershipStatus
from sideline.analysis.snapshot import RegistrySnapshot
from sideline.analysis.ties import Tie, untied_pairs

__all__ = ["DEFAULT_THRESHOLD", "suggest_meeting_requests"]

DEFAULT_THRESHOLD = 0.25


def suggest_meeting_requests(
    snapshot: RegistrySnapshot,
    *,
    day: date,
    threshold: float = DEFAULT_THRESHOLD,
    statuses: frozenset[MembershipStatus] = MEMBERS_ONLY,
    function_weight: float = DEFAULT_FUNCTION_WEIGHT,
    window: tuple[date, date] | None = None,
    attendees: Iterable[Iterable[str]] | None = None,
    ties: Iterable[Tie] | None = None,
) -> list[dict[str, object]]:
    """Return meeting requests for duplicating pairs, best first.

    Args:
        snapshot: the registry.
        day: the as-of date of the memberships.
        threshold: the lowest duplication score suggested, in [0, 1].
        statuses: which statuses count as membership.
        function_weight: weight of the functional part of the score.
        window: ``(not_before, not_after)`` to put on every request.
        attendees: for each forum session, the slugs of the organizations attending;
            when given, only pairs that attend a common session are suggested.
        ties: formal ties between organizations; when given, untied pairs come first.

    Raises:
        InvalidArgumentError: ``threshold`` or ``function_weight`` outside [0, 1].
        EmptyPeriodError: ``window`` ends before it starts.
        DateOutOfRangeError: ``day`` lies outside the data.
    """
    if not 0.0 <= threshold <= 1.0:
        raise InvalidArgumentError(
            f"threshold {threshold} is outside [0, 1]", argument="threshold", value=threshold
        )
    if window is not None and window[1] < window[0]:
        raise EmptyPeriodError(
            f"window ends on {window[1].isoformat()}, before it starts on {window[0].isoformat()}",
            argument="window",
            value=window,
        )
    sessions = None if attendees is None else [frozenset(group) for group in attendees]
    ranked = duplication_ranking(
        snapshot,
        day=day,
        statuses=statuses,
        function_weight=function_weight,
        min_score=threshold,
    )
    untied = (
        None if ties is None else untied_pairs(ties, [d.organizations for d in ranked], day=day)
    )
    scored: list[tuple[int, float, dict[str, object]]] = []
    for duplication in ranked:
        pair = duplication.organizations
        if sessions is not None and not any(set(pair) <= session for session in sessions):
            continue
        for shared in duplication.shared_functions:
            priority = min(10, max(1, round(10 * duplication.score * shared.common_weight)))
            if untied is not None and (pair[0], pair[1]) in untied:
                priority = min(10, priority + 1)
            request: dict[str, object] = {
                "id": f"dup-{pair[0]}-{pair[1]}-{shared.function}",
                "organizations": list(pair),
                "topic": shared.function,
                "priority": priority,
                "slots": 1,
            }
            if window is not None:
                request["not_before"] = window[0].isoformat()
                request["not_after"] = window[1].isoformat()
            scored.append((priority, duplication.score, request))
    scored.sort(key=lambda item: (-item[0], -item[1], str(item[2]["id"])))
    return [request for _, _, request in scored]
