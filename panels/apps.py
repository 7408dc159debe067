from django.apps import AppConfig


class PanelsConfig(AppConfig):
    """What the organisation decides. Reads portfolios and frameworks."""

    name = "panels"
