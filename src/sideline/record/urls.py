from django.urls import path, re_path

from sideline.record import views

app_name = "record"
urlpatterns = [
    path("", views.log_list, name="log-list"),
    path("logs", views.logs_json, name="logs"),
    path("push", views.push_view, name="push"),
    path("replicas", views.replicas_json, name="replicas"),
    path("policy", views.policy_view, name="policy"),
    path("check-proof", views.check_proof_page, name="check-proof"),
    re_path(r"^proof/(?P<object_id>[a-z0-9-]+/[A-Za-z0-9._-]+)$", views.proof_view, name="proof"),
    path("<slug:org>/", views.log_detail, name="log-detail"),
    path("<slug:org>/checkpoint", views.checkpoint_view, name="checkpoint"),
    path("<slug:org>/add-checkpoint", views.add_checkpoint_view, name="add-checkpoint"),
    path("<slug:org>/cosignatures", views.cosignatures_view, name="cosignatures"),
    re_path(r"^(?P<org>[a-z0-9-]+)/tile/(?P<path>.+)$", views.tile_view, name="tile"),
]
