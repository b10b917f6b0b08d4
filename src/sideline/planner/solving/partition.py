"""Independent parts of an instance: requests that share no constraint."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sideline.planner.instance import Instance, Session
from sideline.planner.schema import Meeting
from sideline.planner.solving.cpmodel import Placement

__all__ = ["Part", "opened_summits", "parts_of", "placeable", "summits_of", "value_of"]


@dataclass
class Part:
    """Requests that interact only among themselves, with every placement they may take.

    `instance` is the whole instance with only this part's requests and pins: sessions
    are kept, so that `needs_summit` and placements mean exactly what they mean on the
    whole instance.
    """

    instance: Instance
    allowed: list[Placement]


def parts_of(instance: Instance, allowed: list[Placement], *, split: bool) -> list[Part]:
    """Split the requests into parts that share no constraint, smallest first.

    Two requests interact only through an organization on a date (delegation, daily
    cap, travel), a venue on a date (rooms) or a summit (its opening cost). Connected
    components of that graph are independent problems: their optima add up, and so do
    their bounds. Fairness floors, the minimum share and a replanning tolerance tie
    every request together, so with those rules (`split` false) there is one part.
    Requests with no placement are in no part; they are explained as unplaced.
    """
    if not allowed:
        return []
    if not split:
        return [Part(instance, allowed)]
    # Union-find over request positions; each shared key joins its requests.
    position = {r.id: i for i, r in enumerate(instance.requests)}
    parent = list(range(len(instance.requests)))

    def find(item: int) -> int:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    owner: dict[tuple[Any, ...], int] = {}
    seen: set[tuple[str, str, dt.date]] = set()
    for request, venue, day, _slot in allowed:
        if (request.id, venue.id, day) in seen:
            continue  # Other start slots of one venue-day share the same keys.
        seen.add((request.id, venue.id, day))
        mine = position[request.id]
        keys: list[tuple[Any, ...]] = [(venue.id,) if venue.is_summit else (venue.id, day)]
        keys += [(org, day, "org") for org in request.organizations]
        for key in keys:
            other = owner.setdefault(key, mine)
            a, b = find(mine), find(other)
            if a != b:
                parent[b] = a
    groups: dict[int, list[Placement]] = defaultdict(list)
    for placement in allowed:
        groups[find(position[placement.request.id])].append(placement)
    pins = {pin.request: pin for pin in instance.pinned}
    parts = []
    for group in groups.values():
        ids = {p.request.id for p in group}
        sub = dataclasses.replace(
            instance,
            requests=tuple(r for r in instance.requests if r.id in ids),
            pinned=tuple(pins[r] for r in ids if r in pins),
        )
        parts.append(Part(sub, group))
    order = {r.id: i for i, r in enumerate(instance.requests)}
    parts.sort(key=lambda p: (len(p.allowed), order[p.allowed[0].request.id]))
    return parts


def placeable(part: Part) -> int:
    """Return the sum of the part's priorities, a bound on its objective."""
    # Without a proof on priorities alone, the sum of placeable priorities bounds them.
    return sum(r.priority for r in part.instance.requests)


def value_of(instance: Instance, meetings: Sequence[Meeting]) -> int:
    """Return the objective of `meetings`: priorities placed minus opened summits' costs."""
    priority = {r.id: r.priority for r in instance.requests}
    summits = summits_of(instance)
    opened = {x.session for x in meetings if x.session in summits}
    return sum(priority[x.request] for x in meetings) - sum(summits[s].cost for s in opened)


def summits_of(instance: Instance) -> dict[str, Session]:
    """Return the instance's summits by id."""
    return {summit.id: summit for summit in instance.summits}


def opened_summits(instance: Instance, meetings: Sequence[Meeting]) -> frozenset[str]:
    """Return the summits that `meetings` open."""
    return frozenset(x.session for x in meetings) & frozenset(summits_of(instance))
