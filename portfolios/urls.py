from django.urls import path

from portfolios import views, views_observations

app_name = "portfolios"

urlpatterns = [
    path("", views.evidence_list, name="evidence-list"),
    path("add/", views.evidence_create, name="evidence-create"),
    path("bin/", views.evidence_bin, name="evidence-bin"),
    path("<int:pk>/", views.evidence_detail, name="evidence-detail"),
    path("<int:pk>/edit/", views.evidence_update, name="evidence-update"),
    path("<int:pk>/delete/", views.evidence_delete, name="evidence-delete"),
    path("<int:pk>/restore/", views.evidence_restore, name="evidence-restore"),
    path("files/<int:pk>/", views.evidence_file_download, name="evidence-file-download"),
    path("files/<int:pk>/replace/", views.evidence_file_replace, name="evidence-file-replace"),
    path("observations/", views_observations.observation_list, name="observation-list"),
    path("observations/new/", views_observations.observation_create, name="observation-create"),
    path(
        "observations/<int:pk>/", views_observations.observation_detail, name="observation-detail"
    ),
    path(
        "observations/<int:pk>/edit/",
        views_observations.observation_update,
        name="observation-update",
    ),
    path(
        "observations/<int:pk>/sign/", views_observations.observation_sign, name="observation-sign"
    ),
]
