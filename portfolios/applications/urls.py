"""Application pages, mounted under "applications/" in the portfolios namespace."""

from django.urls import path

from portfolios.applications import views_agreement

urlpatterns = [
    path("agreements/", views_agreement.agreement_list, name="agreement-list"),
    path("<int:pk>/agree/", views_agreement.application_agree, name="application-agree"),
]
