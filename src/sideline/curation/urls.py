from django.urls import path

from sideline.curation import views

app_name = "curation"
urlpatterns = [
    path("", views.CorrectionListView.as_view(), name="list"),
    path(
        "organizations/<slug:slug>/",
        views.OrganizationFactsView.as_view(),
        name="organization-facts",
    ),
    path(
        "propose/<slug:table>/<slug:action>/",
        views.CorrectionProposeView.as_view(),
        name="propose",
    ),
    path("<int:pk>/", views.CorrectionDetailView.as_view(), name="detail"),
    path("<int:pk>/review/", views.CorrectionReviewView.as_view(), name="review"),
]
