from django.contrib import admin
from django.urls import include, path

from sideline.accounts.views import language_view
from sideline.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    # Django's set_language, which also keeps a logged-in person's choice.
    path("i18n/setlang/", language_view, name="set_language"),
    path("", include("sideline.registry.urls")),
    path("analysis/", include("sideline.analysis.urls")),
    path("planner/", include("sideline.planner.urls")),
    path("meetings/", include("sideline.meetings.urls")),
    path("accounts/", include("sideline.accounts.urls")),
    path("record/", include("sideline.record.urls")),
    path("prevention/", include("sideline.prevention.urls")),
    path("corrections/", include("sideline.curation.urls")),
    path("", include("sideline.web.urls")),
]

handler404 = "sideline.web.views.page_not_found"
handler500 = "sideline.web.views.server_error"
