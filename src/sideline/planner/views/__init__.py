"""Planner pages: the calendar, a plan's detail, coordinators' edits, requests, exports.

One module per use: `calendar` (read), `editing` (a version's changes), `requests`
(requests entered by hand), `exports` (CSV and feeds), `years` (a year's empty state
and its start), `sessions` and `summits` (a year's forum sessions and special summit candidates),
`grid` (a venue's
timetable, where a meeting moves to a free cell), `runs` (the planner run outside the request, its progress and cancel); `access` holds who may see and change what.
"""

from __future__ import annotations

from sideline.planner.views.calendar import CalendarView, PlanDetailView, PlanIndexView
from sideline.planner.views.editing import (
    MeetingEditView,
    MeetingPinView,
    MeetingRemoveView,
    PlanDraftView,
    PlanPublishView,
    PlanReplanView,
)
from sideline.planner.views.exports import (
    CalendarFeedView,
    MeetingFeedView,
    OrganizationFeedView,
    PlanCsvView,
)
from sideline.planner.views.grid import VenueGridView
from sideline.planner.views.requests import (
    MeetingRequestDeleteView,
    MeetingRequestEditView,
    MeetingRequestListView,
)
from sideline.planner.views.runs import RunCancelView, RunDetailView, RunStatusView
from sideline.planner.views.sessions import (
    ForumSessionCancelView,
    ForumSessionEditView,
    ForumSessionListView,
)
from sideline.planner.views.summits import SummitAddView, SummitCancelView, SummitEditView
from sideline.planner.views.years import YearStartView

__all__ = [
    "CalendarFeedView",
    "CalendarView",
    "ForumSessionCancelView",
    "ForumSessionEditView",
    "ForumSessionListView",
    "MeetingEditView",
    "MeetingFeedView",
    "MeetingPinView",
    "MeetingRemoveView",
    "MeetingRequestDeleteView",
    "MeetingRequestEditView",
    "MeetingRequestListView",
    "OrganizationFeedView",
    "PlanCsvView",
    "PlanDetailView",
    "PlanDraftView",
    "PlanIndexView",
    "PlanPublishView",
    "PlanReplanView",
    "RunCancelView",
    "RunDetailView",
    "RunStatusView",
    "SummitAddView",
    "SummitCancelView",
    "SummitEditView",
    "VenueGridView",
    "YearStartView",
]
