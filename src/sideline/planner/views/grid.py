"""A venue's timetable grid in a version: plenaries, meetings, free cells, conflicts; a
coordinator moves a meeting of a draft by choosing a free cell."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from sideline.planner.grid import venue_grid
from sideline.planner.models import Plan
from sideline.planner.selectors import core_meeting, meetings_of, plan_instance
from sideline.planner.services import can_coordinate
from sideline.planner.views.access import visible
from sideline.planner.views.calendar import (
    grid_links,
    meeting_entry,
    summits_of,
    with_workspaces,
)
from sideline.registry.models import ForumSession


class VenueGridView(TemplateView):
    """Days × slots × rooms of one session or summit of a version."""

    template_name = "planner/grid.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        plan = get_object_or_404(Plan, pk=kwargs["pk"])
        visible(plan, self.request)
        instance = plan_instance(plan)
        try:
            venue = instance.venue(kwargs["venue"])
        except KeyError:
            raise Http404(_("No such session in this version.")) from None
        rows = list(meetings_of(plan))
        summits = summits_of(plan)
        listed = [meeting_entry(row, summits) for row in rows]
        with_workspaces(listed, year=plan.year, user=self.request.user)
        entries = {e["row"].request.key: e for e in listed}
        core = [core_meeting(row, instance) for row in rows]
        editable = plan.is_draft and can_coordinate(self.request.user)
        moving_row = None
        asked = self.request.GET.get("move", "")
        if editable and asked.isdigit():
            moving_row = next((r for r in rows if r.pk == int(asked)), None)
        moving = None
        if moving_row is not None:
            moving = next(m for m in core if m.request == moving_row.request.key)
        here = reverse("planner:grid", args=[plan.pk, venue.id])
        context.update(
            plan=plan,
            venue=venue,
            days=[
                {
                    "date": day.date,
                    "rows": [
                        {
                            "slot": row.slot,
                            "start": row.start,
                            "end": row.end,
                            "cells": [
                                {
                                    "cell": cell,
                                    "entry": entries.get(cell.meeting.request)
                                    if cell.meeting is not None
                                    else None,
                                }
                                for cell in row.cells
                            ],
                        }
                        for row in day.rows
                    ],
                }
                for day in venue_grid(
                    instance,
                    core,
                    venue=venue.id,
                    plenary_slots=plan.plenary_slots,
                    moving=moving,
                )
            ],
            entries=entries,
            rooms=range(1, venue.rooms + 1),
            editable=editable,
            moving=moving_row,
            moving_entry=entries.get(moving_row.request.key) if moving_row else None,
            here=here,
            venues=grid_links(plan),
            title=_("Timetable of %(venue)s, version %(version)s")
            % {"venue": _venue_name(venue.id, summits), "version": plan.version},
        )
        return context


def _venue_name(venue_id: str, summits: dict[str, Any]) -> str:
    """Return a venue as pages name it: the forum and city, or the special summit."""
    session = ForumSession.objects.select_related("forum").filter(key=venue_id).first()
    if session is not None:
        return f"{session.forum.name}, {session.city_name}"
    city = summits.get(venue_id, {}).get("city", "")
    name = _("Special summit %(summit)s") % {"summit": venue_id}
    return f"{name}, {city}" if city else name
