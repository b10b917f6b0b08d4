from django.urls import path

from sideline.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.MeetingListView.as_view(), name="list"),
    path("new/", views.MeetingCreateView.as_view(), name="create"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("todo/", views.ToDoView.as_view(), name="todo"),
    path("audit/", views.OpAuditView.as_view(), name="audit"),
    path("audit.json", views.OpAuditJsonView.as_view(), name="audit-json"),
    path("<int:pk>/", views.MeetingDetailView.as_view(), name="detail"),
    path("<int:pk>/do/<slug:action>/", views.MeetingActionView.as_view(), name="action"),
    path("decisions/<int:pk>/", views.DecisionDetailView.as_view(), name="decision"),
    path(
        "decisions/<int:pk>/answers.csv",
        views.DecisionAnswersCsvView.as_view(),
        name="decision-answers-csv",
    ),
    path("commitments/<int:pk>/", views.CommitmentDetailView.as_view(), name="commitment"),
    path("series/<slug:kind>/<str:key>/", views.SeriesView.as_view(), name="series"),
    path("series/<slug:kind>/<str:key>.json", views.SeriesJsonView.as_view(), name="series-json"),
    path("story/<slug:kind>/<int:pk>/", views.StoryView.as_view(), name="story"),
    path("story/<slug:kind>/<int:pk>.json", views.StoryJsonView.as_view(), name="story-json"),
    path("documents/<str:uid>/", views.DocumentDownloadView.as_view(), name="document"),
    path("invitations/<str:secret>/", views.InvitationAcceptView.as_view(), name="invitation"),
    path("feeds/<slug:slug>.atom", views.OrganizationFeedView.as_view(), name="feed"),
    path("calendars/<slug:slug>.ics", views.OrganizationCalendarView.as_view(), name="calendar"),
]
