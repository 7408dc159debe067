from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CareerpathConfig(AppConfig):
    """People, organisations, permissions, audit trail, notifications, working-day calendar."""

    default = True
    name = "careerpath"
    verbose_name = "People and organisations"

    def ready(self):
        from careerpath import signals  # noqa: F401
        from careerpath.models import Role
        from careerpath.people_admin import admin_attention
        from careerpath.selectors import (
            line_management_for,
            register_attention,
            register_home_section,
        )

        # The administrator's home page: people without a line manager or a team.
        register_attention(Role.ORGANISATION_ADMIN, admin_attention)
        # Everyone's home page: their line manager and practice supervisor.
        register_home_section("Who supports you", line_management_for)


class CareerpathAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "careerpath.admin_site.CareerpathAdminSite"
