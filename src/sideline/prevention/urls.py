from django.urls import path

from sideline.prevention import views

app_name = "prevention"

urlpatterns = [
    path("", views.MonitorIndexView.as_view(), name="index"),
    path("states/<str:code>/", views.MonitorStateView.as_view(), name="state"),
    path("concerns/", views.ConcernListView.as_view(), name="concerns"),
    path("concerns/<int:pk>/", views.ConcernDetailView.as_view(), name="concern"),
]
