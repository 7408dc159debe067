"""Reviewers' pages, mounted under "reviews/" in the portfolios namespace: the queue, one
application under review, referrals and reassignment."""

from django.urls import path  # noqa: F401 (the pages add their paths here)

urlpatterns = []
