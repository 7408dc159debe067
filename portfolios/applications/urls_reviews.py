"""Reviewers' pages, mounted under "reviews/" in the portfolios namespace: the queue, one
application under review, referrals and reassignment."""

from django.urls import path  # noqa: F401 (the pages add their paths here)

from portfolios.applications import views_queues, views_referrals

urlpatterns = [
    path("", views_queues.review_list, name="review-list"),
    path("<int:pk>/reassign/", views_queues.review_reassign_view, name="review-reassign"),
    path("referrals/", views_referrals.referral_list, name="referral-list"),
    path("referrals/new/", views_referrals.referral_create, name="referral-create"),
]
