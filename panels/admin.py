"""Panel sessions in the admin, for the service's own administrators only: coordinators arrange
sessions on their own pages, where every rule is checked. The admin offers only routes of the
session's organisation."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404

from careerpath.models import Organisation, Role
from careerpath.permissions import has_role
from panels.forms_letters import LetterTemplateForm
from panels.models import LetterTemplate, PanelSession


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


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    """HR's outcome letter templates, for their own council only (the service's administrators:
    every council's). The form refuses unknown placeholders and template tags on save."""

    form = LetterTemplateForm
    list_display = ["__str__", "kind", "route_code", "updated_at"]
    list_filter = ["kind"]
    list_select_related = ["organisation"]
    search_fields = ["subject", "route_code"]

    def _hr(self, request):
        user = request.user
        return user.is_active and (user.is_superuser or has_role(user, Role.HR))

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(organisation_id=request.user.organisation_id)

    def get_object(self, request, object_id, from_field=None):
        # Another council's template answers 404, the same as one that does not exist.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation" and not request.user.is_superuser:
            kwargs["queryset"] = Organisation.objects.filter(pk=request.user.organisation_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_module_permission(self, request):
        return self._hr(request)

    def has_view_permission(self, request, obj=None):
        return self._hr(request)

    def has_add_permission(self, request):
        return self._hr(request)

    def has_change_permission(self, request, obj=None):
        return self._hr(request)

    def has_delete_permission(self, request, obj=None):
        return self._hr(request)

    def save_model(self, request, obj, form, change):
        # Checked again on the server, whatever the form let through.
        if not request.user.is_superuser and obj.organisation_id != request.user.organisation_id:
            raise PermissionDenied
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
