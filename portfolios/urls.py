from django.urls import path

from portfolios import views

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
]
