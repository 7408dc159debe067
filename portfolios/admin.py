"""Evidence in the admin: read-only, and for the service's own administrators only. Evidence is
about children and families: nobody changes it here, and framework editors do not see it."""

from django.contrib import admin

from portfolios.models import EvidenceFile, EvidenceItem, PracticeObservation


class ReadOnlyForSuperusers(admin.ModelAdmin):
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EvidenceFileInline(admin.TabularInline):
    model = EvidenceFile
    extra = 0
    fields = ["original_name", "version", "content_type", "size", "sha256", "uploaded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EvidenceItem)
class EvidenceItemAdmin(ReadOnlyForSuperusers):
    list_display = ["title", "kind", "dated", "owner", "deleted_at", "held_at"]
    list_filter = ["kind", "owner__organisation"]
    list_select_related = ["owner"]
    # No search over reflections: the admin is no way round the worker's own library.
    search_fields = ["owner__username"]
    raw_id_fields = ["owner"]
    inlines = [EvidenceFileInline]


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ReadOnlyForSuperusers):
    list_display = ["original_name", "version", "item", "content_type", "size", "uploaded_at"]
    list_select_related = ["item"]
    raw_id_fields = ["item", "previous"]


@admin.register(PracticeObservation)
class PracticeObservationAdmin(ReadOnlyForSuperusers):
    """Read-only like evidence: a signed observation is never changed, and a draft is the
    observer's to finish in the service."""

    list_display = ["worker", "observer", "observed_on", "status", "rating"]
    list_filter = ["status", "organisation"]
    list_select_related = ["worker", "observer"]
    raw_id_fields = ["worker", "observer", "evidence_item"]
