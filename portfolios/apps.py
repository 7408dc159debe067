from django.apps import AppConfig


class PortfoliosConfig(AppConfig):
    """What a worker shows. Reads frameworks; never imports panels."""

    name = "portfolios"
