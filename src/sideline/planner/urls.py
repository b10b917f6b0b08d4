from django.urls import path

from sideline.planner import views

app_name = "planner"
urlpatterns = [
    path("", views.PlanIndexView.as_view(), name="index"),
    path("<int:year>/", views.CalendarView.as_view(), name="calendar"),
    path("<int:year>/start/", views.YearStartView.as_view(), name="year-start"),
    path("<int:year>/sessions/", views.ForumSessionListView.as_view(), name="sessions"),
    path("sessions/<slug:key>/edit/", views.ForumSessionEditView.as_view(), name="session-edit"),
    path(
        "sessions/<slug:key>/cancel/", views.ForumSessionCancelView.as_view(), name="session-cancel"
    ),
    path("<int:year>/summits/", views.SummitAddView.as_view(), name="summit-add"),
    path("summits/<int:pk>/edit/", views.SummitEditView.as_view(), name="summit-edit"),
    path("summits/<int:pk>/cancel/", views.SummitCancelView.as_view(), name="summit-cancel"),
    path("<int:year>/requests/", views.MeetingRequestListView.as_view(), name="requests"),
    path("requests/<int:pk>/edit/", views.MeetingRequestEditView.as_view(), name="request-edit"),
    path(
        "requests/<int:pk>/delete/",
        views.MeetingRequestDeleteView.as_view(),
        name="request-delete",
    ),
    path("runs/<int:pk>/", views.RunDetailView.as_view(), name="run"),
    path("runs/<int:pk>.json", views.RunStatusView.as_view(), name="run-status"),
    path("runs/<int:pk>/cancel/", views.RunCancelView.as_view(), name="run-cancel"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan-detail"),
    path("plans/<int:pk>/grid/<str:venue>/", views.VenueGridView.as_view(), name="grid"),
    path("plans/<int:pk>/publish/", views.PlanPublishView.as_view(), name="plan-publish"),
    path("plans/<int:pk>/replan/", views.PlanReplanView.as_view(), name="plan-replan"),
    path("plans/<int:pk>/draft/", views.PlanDraftView.as_view(), name="plan-draft"),
    path("plans/<int:pk>/meetings.csv", views.PlanCsvView.as_view(), name="plan-csv"),
    path("meetings/<int:pk>/edit/", views.MeetingEditView.as_view(), name="meeting-edit"),
    path("meetings/<int:pk>/pin/", views.MeetingPinView.as_view(), name="meeting-pin"),
    path("meetings/<int:pk>/remove/", views.MeetingRemoveView.as_view(), name="meeting-remove"),
    path("meetings/<int:pk>.ics", views.MeetingFeedView.as_view(), name="meeting-ics"),
    path("feeds/all.ics", views.CalendarFeedView.as_view(), name="feed-all"),
    path("feeds/<slug:organization>.ics", views.CalendarFeedView.as_view(), name="feed-org"),
    path("feeds/<slug:organization>/", views.OrganizationFeedView.as_view(), name="feed-changes"),
]
