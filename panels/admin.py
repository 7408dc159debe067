"""Panel sessions in the admin, for the service's own administrators only: coordinators arrange
sessions on their own pages, where every rule is checked. The admin offers only routes of the
session's organisation."""

from django.contrib import admin

from panels.models import PanelSession


@admin.register(PanelSession)
class PanelSessionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organisation", "starts_at", "capacity", "submission_deadline",
                    "status"]  # fmt: skip
    list_filter = ["organisation", "status"]
    list_select_related = ["route", "organisation"]
    search_fields = ["route__title", "framework_slug", "route_code", "location"]
    # The route and council are fixed when a session is created (the seeds' route facts and
    # later bookings hang on them); the admin changes only when, where and how many.
    readonly_fields = ["organisation", "route", "framework_slug", "route_code", "status",
                       "created_by", "created_at", "updated_at", "cancelled_at"]  # fmt: skip

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "meeting_url":
            kwargs["assume_scheme"] = "https"  # as the coordinator's form does
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def _allowed(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return False  # sessions are created through the coordinator's pages, with their checks

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return False  # cancel instead: bookings and the audit trail point at sessions
