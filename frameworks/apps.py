from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    """What a council expects. Knows nothing of portfolios or panels."""

    name = "frameworks"
