"""Application pages, mounted under "applications/" in the portfolios namespace."""

urlpatterns = []
