"""Reviewers' pages, mounted under "reviews/" in the portfolios namespace: the queue, one
application under review, referrals and reassignment."""

from django.urls import path  # noqa: F401 (the pages add their paths here)

from portfolios.applications import views_queues, views_referrals, views_reviews

urlpatterns = [
    path("", views_queues.review_list, name="review-list"),
    path("<int:pk>/", views_reviews.review_detail, name="review-detail"),
    path("<int:pk>/return/", views_reviews.review_return, name="review-return"),
    path("<int:pk>/comments/", views_reviews.review_comment, name="review-comment"),
    path("<int:pk>/reassign/", views_queues.review_reassign_view, name="review-reassign"),
    path("referrals/", views_referrals.referral_list, name="referral-list"),
    path("referrals/new/", views_referrals.referral_create, name="referral-create"),
]
