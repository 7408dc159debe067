"""Application pages, mounted under "applications/" in the portfolios namespace."""

from django.urls import path

from portfolios.applications import views, views_agreement, views_submission

urlpatterns = [
    path("", views.application_list, name="application-list"),
    path("start/", views.application_start_choose, name="application-start-choose"),
    path("start/<int:route_pk>/", views.application_start, name="application-start"),
    path("<int:pk>/", views.application_detail, name="application-detail"),
    path(
        "<int:pk>/sections/<slug:section>/",
        views.application_section,
        name="application-section",
    ),
    path("<int:pk>/links/<slug:key>/", views.application_links, name="application-links"),
    path(
        "<int:pk>/links/<int:link_pk>/remove/",
        views.application_link_remove,
        name="application-link-remove",
    ),
    path("<int:pk>/comments/", views.application_comment, name="application-comment"),
    path("<int:pk>/check/", views.application_check, name="application-check"),
    path("<int:pk>/withdraw/", views.application_withdraw, name="application-withdraw"),
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
