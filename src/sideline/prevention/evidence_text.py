"""The warning rules' evidence in the reader's language.

The pure core (:mod:`sideline.prevention.signals`) names each fact by a key with parameters
and keeps an English label for exports; pages render the same key through the catalogue, so
a Russian page never shows the core's English. Every key of
:data:`~sideline.prevention.signals.EVIDENCE_LABELS` has a text here (a test checks).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from sideline.prevention.signals import Evidence

__all__ = ["EVIDENCE_TEXTS", "evidence_line"]

EVIDENCE_TEXTS: dict[str, Promise] = {
    "recent_deaths": gettext_lazy("deaths in the last %(months)s months"),
    "base_rate": gettext_lazy(
        "base rate: mean %(months)s-month deaths over the %(before)s months before"
    ),
    "conflicts_active": gettext_lazy("conflicts active in %(year)s"),
    "conflicts_new": gettext_lazy("of which not active in %(previous)s"),
    "neighbours_untabled": gettext_lazy(
        "neighbours: not in the neighbour table (Central Asia and its neighbours)"
    ),
    "neighbour_deaths": gettext_lazy("%(state)s: deaths in the last %(months)s months"),
    "forecasts_none": gettext_lazy("published forecasts: none for the 12 months after %(month)s"),
    "forecast_largest": gettext_lazy("largest forecast (mean deaths in a month), in %(month)s"),
    "threshold": gettext_lazy("threshold"),
}


def evidence_line(evidence: Evidence) -> str:
    """``label: value`` in the active language; a missing value reads "none"."""
    label = str(EVIDENCE_TEXTS[evidence.key]) % dict(evidence.params)
    if evidence.value is None:
        return f"{label}: {gettext('none')}"
    return f"{label}: {evidence.value}" if evidence.value else label
