from django.urls import path

from sideline.analysis import views

app_name = "analysis"
urlpatterns = [
    path("", views.AnalysisIndexView.as_view(), name="index"),
    path("overlap/", views.OverlapView.as_view(), name="overlap"),
    path("duplication/", views.DuplicationView.as_view(), name="duplication"),
    path("network/", views.NetworkView.as_view(), name="network"),
    path("ties/", views.TiesView.as_view(), name="ties"),
    path("bridges/", views.BridgesView.as_view(), name="bridges"),
    path("balance/", views.BalanceView.as_view(), name="balance"),
    path("voting/", views.VotingView.as_view(), name="voting"),
    path("suggestions/", views.SuggestionsView.as_view(), name="suggestions"),
]
