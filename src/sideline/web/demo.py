"""The demo that ``sideline init`` seeds after loading the registry.

Each app that contributes to the demo adds one step here, in the order of the flow
registry → planner → meetings → record, so the demo year is planned before its
meetings are held and both are on the record.
"""

from __future__ import annotations

from collections.abc import Callable

Say = Callable[[str], None]

DEMO_STEPS: list[str] = [
    "sideline.planner.demo.seed",
    "sideline.meetings.demo.seed",
    # Last: checkpoints and cosigns every log once the other steps have written to them.
    "sideline.record.demo.seed",
]


def seed_demo(*, say: Say) -> None:
    """Run every demo step; each must be idempotent, since ``init`` may run again."""
    from django.utils.module_loading import import_string

    for dotted in DEMO_STEPS:
        step: Callable[..., None] = import_string(dotted)
        step(say=say)
