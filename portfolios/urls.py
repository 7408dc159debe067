from django.urls import include, path

from portfolios import views, views_observations
from portfolios.applications import urls as application_urls
from portfolios.applications import urls_reviews as review_urls
from portfolios.applications import views_reattempt

app_name = "portfolios"

urlpatterns = [
    path("evidence/", views.evidence_list, name="evidence-list"),
    path("evidence/add/", views.evidence_create, name="evidence-create"),
    path("evidence/bin/", views.evidence_bin, name="evidence-bin"),
    path("evidence/<int:pk>/", views.evidence_detail, name="evidence-detail"),
    path("evidence/<int:pk>/edit/", views.evidence_update, name="evidence-update"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence-delete"),
    path("evidence/<int:pk>/restore/", views.evidence_restore, name="evidence-restore"),
    path("evidence/files/<int:pk>/", views.evidence_file_download, name="evidence-file-download"),
    path(
        "evidence/files/<int:pk>/replace/",
        views.evidence_file_replace,
        name="evidence-file-replace",
    ),
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
    path(
        "applications/<int:pk>/next-attempt/",
        views_reattempt.application_next_attempt,
        name="application-next-attempt",
    ),
    path("applications/", include(application_urls)),
    path("reviews/", include(review_urls)),
]
