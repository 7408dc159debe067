"""Application pages, mounted under "applications/" in the portfolios namespace."""

from django.urls import path

from portfolios.applications import views_agreement, views_submission

urlpatterns = [
    path("agreements/", views_agreement.agreement_list, name="agreement-list"),
    path("<int:pk>/agree/", views_agreement.application_agree, name="application-agree"),
    path(
        "<int:pk>/readiness/",
        views_submission.application_readiness_view,
        name="application-readiness",
    ),
    path("<int:pk>/submit/", views_submission.application_submit_view, name="application-submit"),
    path("submissions/<int:pk>/pdf/", views_submission.submission_pdf, name="submission-pdf"),
]
