"""Seeded generators of planner instances for tests and benchmarks.

Families: ``demo`` (8 organizations, 15 sessions, 60 requests — the size of the demo
year), ``M`` (30/150/1 000) and ``L`` (60/500/5 000). Requests are drawn around a
session their organizations attend, with a window of a few weeks around it, as
coordinators ask; a small share asks for organizations that never meet at one forum,
which only a special summit can serve.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

__all__ = ["FAMILIES", "generate_instance"]

FAMILIES: dict[str, tuple[int, int, int]] = {
    "demo": (8, 15, 60),
    "M": (30, 150, 1000),
    "L": (60, 500, 5000),
}
"""Family name → (organizations, sessions, requests)."""

_CITIES = (
    ("New York", "US", "America/New_York"),
    ("Geneva", "CH", "Europe/Zurich"),
    ("Vienna", "AT", "Europe/Vienna"),
    ("Astana", "KZ", "Asia/Almaty"),
    ("Moscow", "RU", "Europe/Moscow"),
    ("Beijing", "CN", "Asia/Shanghai"),
    ("Brussels", "BE", "Europe/Brussels"),
    ("Minsk", "BY", "Europe/Minsk"),
    ("Bishkek", "KG", "Asia/Bishkek"),
    ("Dushanbe", "TJ", "Asia/Dushanbe"),
    ("Istanbul", "TR", "Europe/Istanbul"),
    ("Tashkent", "UZ", "Asia/Tashkent"),
)
_DEMO_ORGS = ("un", "osce", "cica", "nato", "csto", "sco", "eu", "cis")


def generate_instance(family: str, *, seed: int = 0, year: int = 2024) -> dict[str, Any]:
    """Return the JSON of a `sideline.plan-instance/1` instance of `family`.

    The same family and seed always give the same instance.

    Raises:
        KeyError: when `family` is not in `FAMILIES`.

    Example:
        >>> data = generate_instance("demo", seed=1)
        >>> (len(data["organizations"]), len(data["sessions"]), len(data["requests"]))
        (8, 15, 60)
    """
    n_orgs, n_sessions, n_requests = FAMILIES[family]
    rng = random.Random(f"{family}:{seed}")
    orgs = list(_DEMO_ORGS) if n_orgs == len(_DEMO_ORGS) else [f"org{i:02d}" for i in range(n_orgs)]
    first = dt.date(year, 1, 1)
    sessions: list[dict[str, Any]] = []
    for index in range(n_sessions):
        city, country, timezone = rng.choice(_CITIES)
        start = first + dt.timedelta(days=rng.randrange(0, 350))
        attendees = rng.sample(
            orgs, rng.randint(max(2, n_orgs * 3 // 10), max(3, n_orgs * 6 // 10))
        )
        sessions.append(
            {
                "id": f"s{index:03d}",
                "forum": f"forum-{index % max(1, n_sessions // 3):03d}",
                "city": city,
                "country": country,
                "timezone": timezone,
                "start": start.isoformat(),
                "end": (start + dt.timedelta(days=rng.randint(0, 3))).isoformat(),
                "slots_per_day": rng.choice((4, 4, 6)),
                "rooms": rng.randint(1, 3),
                "attendees": sorted(attendees, key=orgs.index),
            }
        )
    requests = []
    for index in range(n_requests):
        anchor = rng.choice(sessions)
        if rng.random() < 0.02:
            members = rng.sample(orgs, 2)
        else:
            size = 3 if rng.random() < 0.2 and len(anchor["attendees"]) > 2 else 2
            members = rng.sample(anchor["attendees"], size)
        start = dt.date.fromisoformat(anchor["start"]) - dt.timedelta(days=rng.randint(0, 7))
        end = dt.date.fromisoformat(anchor["end"]) + dt.timedelta(days=rng.randint(0, 7))
        requests.append(
            {
                "id": f"r{index:04d}",
                "organizations": sorted(members, key=orgs.index),
                "topic": f"topic {index % 17}",
                "priority": rng.choice((1, 1, 2, 2, 3, 3, 4, 5)),
                "slots": 2 if rng.random() < 0.15 else 1,
                "not_before": start.isoformat(),
                "not_after": end.isoformat(),
            }
        )
    summits = []
    if family != "demo":
        for index in range(2):
            city, country, timezone = rng.choice(_CITIES)
            start = first + dt.timedelta(days=rng.randrange(30, 330))
            summits.append(
                {
                    "id": f"summit{index}",
                    "city": city,
                    "country": country,
                    "timezone": timezone,
                    "start": start.isoformat(),
                    "end": (start + dt.timedelta(days=1)).isoformat(),
                    "slots_per_day": 6,
                    "rooms": 2,
                    "cost": 8,
                }
            )
    return {
        "schema": "sideline.plan-instance/1",
        "id": f"{family}-{seed}",
        "organizations": orgs,
        "sessions": sessions,
        "requests": requests,
        "summits": summits,
        "rules": {"max_meetings_per_org_per_day": 3},
    }
