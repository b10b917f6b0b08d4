"""Start a year: its first working draft, from the forums' sessions of the year.

The coordinator's page and ``sideline plan YEAR`` make the same draft: the sessions the
registry holds for the year (held, announced or projected by a forum's recurrence
rule), the requests the analysis suggests and those entered by hand (`create_plan`).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from sideline.planner.errors import PlannerError
from sideline.planner.models import Plan
from sideline.planner.services.versions import create_plan
from sideline.planner.solver import SolveOptions
from sideline.registry.selectors import plannable_sessions

__all__ = ["check_year_startable", "start_year"]


def check_year_startable(*, year: int) -> None:
    """Refuse to start `year` when it has a version already or no forum session.

    Raises:
        PlannerError: ``year_started`` (409) or ``no_sessions`` (409).
    """
    if Plan.objects.filter(year=year).exists():
        raise PlannerError(
            "year_started",
            _("%(year)s has a plan already: open its newest version.") % {"year": year},
            status=409,
        )
    if not plannable_sessions(year).exists():
        raise PlannerError(
            "no_sessions",
            _("No forum session of %(year)s is in the registry: add the year's sessions first.")
            % {"year": year},
            status=409,
        )


def start_year(*, year: int, options: SolveOptions | None = None) -> Plan:
    """Plan `year` for the first time and store the result as version 1, a working draft.

    Raises:
        PlannerError: see `check_year_startable`.
    """
    check_year_startable(year=year)
    return create_plan(year=year, options=options)
