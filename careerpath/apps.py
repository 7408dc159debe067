from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CareerpathConfig(AppConfig):
    """People, organisations, permissions, audit trail, notifications, working-day calendar."""

    default = True
    name = "careerpath"
    verbose_name = "People and organisations"

    def ready(self):
        from careerpath import signals  # noqa: F401


class CareerpathAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "careerpath.admin_site.CareerpathAdminSite"
