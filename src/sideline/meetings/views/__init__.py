"""Meeting pages: list, workspace, decision, commitment, documents, dashboard, feeds.

Reading works without JavaScript and, for public meetings, without an account
(`pages`). Every change is one POST to ``MeetingActionView`` which calls one service; a
refusal becomes a message on the page, and nothing is changed (`actions`). The
dashboard and the feeds are in `dashboard`, the audit view of refused ops in `audit`, the
series and story pages (reads across meetings) in `series`.
"""

from __future__ import annotations

from sideline.meetings.views.actions import (
    InvitationAcceptView,
    MeetingActionView,
    MeetingCreateView,
)
from sideline.meetings.views.audit import OpAuditJsonView, OpAuditView
from sideline.meetings.views.dashboard import (
    DashboardView,
    OrganizationCalendarView,
    OrganizationFeedView,
)
from sideline.meetings.views.exports import DecisionAnswersCsvView
from sideline.meetings.views.pages import (
    CommitmentDetailView,
    DecisionDetailView,
    DocumentDownloadView,
    MeetingDetailView,
    MeetingListView,
)
from sideline.meetings.views.series import SeriesJsonView, SeriesView, StoryJsonView, StoryView
from sideline.meetings.views.todo import ToDoView

__all__ = [
    "CommitmentDetailView",
    "DashboardView",
    "DecisionAnswersCsvView",
    "DecisionDetailView",
    "DocumentDownloadView",
    "InvitationAcceptView",
    "MeetingActionView",
    "MeetingCreateView",
    "MeetingDetailView",
    "MeetingListView",
    "OpAuditJsonView",
    "OpAuditView",
    "OrganizationCalendarView",
    "OrganizationFeedView",
    "SeriesJsonView",
    "SeriesView",
    "StoryJsonView",
    "StoryView",
    "ToDoView",
]
