from django.urls import path

from sideline.registry import views

app_name = "registry"
urlpatterns = [
    path("organizations/", views.OrganizationListView.as_view(), name="organization-list"),
    path(
        "organizations/<slug:slug>/",
        views.OrganizationDetailView.as_view(),
        name="organization-detail",
    ),
    path("states/", views.StateListView.as_view(), name="state-list"),
    path("states/<str:code>/", views.StateDetailView.as_view(), name="state-detail"),
    path("forums/", views.ForumListView.as_view(), name="forum-list"),
]
