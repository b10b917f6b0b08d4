"""Demo step of ``sideline init``: plan and publish 2013 from the bundled registry."""

from __future__ import annotations

from collections.abc import Callable

from sideline.planner.selectors import latest_published
from sideline.planner.services import create_plan, publish_plan
from sideline.planner.solver import SolveOptions
from sideline.registry.models import Organization

DEMO_YEAR = 2013
# Ukraine chaired the OSCE in 2013 (Ministerial Council in Kyiv): the demo's publisher.
DEMO_PUBLISHER = "osce"
# One worker, a fixed seed and deterministic work rather than seconds: the same demo
# calendar on every machine, however fast or loaded.
DEMO_SOLVE = SolveOptions(deterministic_time=10.0, num_workers=1, seed=0)


def seed(*, say: Callable[[str], None]) -> None:
    """Plan and publish the demo year once; do nothing if it is already published."""
    existing = latest_published(year=DEMO_YEAR)
    if existing is not None:
        say(f"planner: {DEMO_YEAR} already published (version {existing.version})")
        return
    publisher = Organization.objects.filter(slug=DEMO_PUBLISHER).first()
    if publisher is None:
        say(f"planner: no organization {DEMO_PUBLISHER!r} in the registry; demo plan skipped")
        return
    plan = create_plan(year=DEMO_YEAR, options=DEMO_SOLVE)
    publish_plan(plan=plan, publisher=publisher)
    say(
        f"planner: {DEMO_YEAR} version {plan.version} published, "
        f"{plan.meetings.count()} meetings, {plan.unplaced.count()} unplaced "
        f"(objective {plan.objective}, bound {plan.bound})"
    )
