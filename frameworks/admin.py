"""The framework editor: framework editors change drafts of their own council's frameworks here.
Published and retired versions are read-only; a new version starts with "Copy to a new draft"."""

from django.contrib import admin

from frameworks.models import (
    Criterion,
    Framework,
    Level,
    ProgressionRoute,
    Role,
    Rule,
    Standard,
    StandardSet,
)
from frameworks.permissions import can_edit_framework, is_framework_editor


def _framework_of(obj):
    for path in ("framework", "role.framework", "level.role.framework"):
        target = obj
        for name in path.split("."):
            target = getattr(target, name, None)
        if isinstance(target, Framework):
            return target
    return obj if isinstance(obj, Framework) else None


def _may_edit(request, obj):
    """The same rule as the pages: drafts only, in the editor's own council."""
    framework = _framework_of(obj) if obj is not None else None
    return framework is None or can_edit_framework(request.user, framework)


class EditorScopedAdmin(admin.ModelAdmin):
    """Superusers see everything; framework editors see their own council's frameworks and
    change only drafts."""

    organisation_path = "organisation"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{self.organisation_path: request.user.organisation_id})

    def _editor(self, request):
        return request.user.is_superuser or is_framework_editor(request.user)

    def has_module_permission(self, request):
        return self._editor(request)

    def has_view_permission(self, request, obj=None):
        return self._editor(request)

    def has_add_permission(self, request, obj=None):
        return self._editor(request) and _may_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editor(request) and _may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editor(request) and _may_edit(request, obj)


class ScopedInline(admin.StackedInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return _may_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return _may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _may_edit(request, obj)

    def has_view_permission(self, request, obj=None):
        return True


class RoleInline(ScopedInline):
    model = Role
    fields = ["code", "title", "order", "pay_range", "grade", "pay_point"]
    show_change_link = True


class RouteInline(ScopedInline):
    model = ProgressionRoute
    fk_name = "framework"
    fields = ["code", "title", "kind", "from_level", "to_level", "order"]
    show_change_link = True


@admin.register(Framework)
class FrameworkAdmin(EditorScopedAdmin):
    list_display = ["title", "version", "version_label", "status", "organisation"]
    list_filter = ["status", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["title", "profession"]
    readonly_fields = ["status", "published_at", "retired_at", "copied_from", "version"]
    inlines = [RoleInline, RouteInline]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("organisation")
        return fields

    def save_model(self, request, obj, form, change):
        if not change:
            if not request.user.is_superuser:
                obj.organisation = request.user.organisation
            # A new framework starts a new line of versions, or continues one with this slug.
            latest = Framework.objects.filter(organisation=obj.organisation, slug=obj.slug)
            obj.version = (latest.order_by("-version").values_list("version", flat=True).first()
                           or 0) + 1  # fmt: skip
        super().save_model(request, obj, form, change)


class LevelInline(ScopedInline):
    model = Level
    fields = ["code", "name", "order", "cumulative", "summary"]
    show_change_link = True


@admin.register(Role)
class RoleAdmin(EditorScopedAdmin):
    organisation_path = "framework__organisation"
    list_display = ["title", "code", "framework"]
    list_select_related = ["framework"]
    inlines = [LevelInline]


class CriterionInline(ScopedInline):
    model = Criterion
    fields = ["category", "order", "text", "evidence_guidance", "standards"]
    show_change_link = True


@admin.register(Level)
class LevelAdmin(EditorScopedAdmin):
    organisation_path = "role__framework__organisation"
    list_display = ["code", "name", "role"]
    list_select_related = ["role"]
    inlines = [CriterionInline]


class RuleInline(ScopedInline):
    model = Rule
    fields = ["type", "parameters", "order"]


@admin.register(Criterion)
class CriterionAdmin(EditorScopedAdmin):
    organisation_path = "level__role__framework__organisation"
    list_display = ["__str__", "category", "level"]
    list_filter = ["category"]
    list_select_related = ["level"]
    search_fields = ["text"]
    inlines = [RuleInline]


class RouteRuleInline(ScopedInline):
    model = Rule
    fields = ["scope", "type", "parameters", "order"]


@admin.register(ProgressionRoute)
class ProgressionRouteAdmin(EditorScopedAdmin):
    organisation_path = "framework__organisation"
    list_display = ["title", "code", "kind", "framework"]
    list_select_related = ["framework"]
    inlines = [RouteRuleInline]


class StandardInline(admin.StackedInline):
    model = Standard
    extra = 0


@admin.register(StandardSet)
class StandardSetAdmin(admin.ModelAdmin):
    """National standards are shared by every council: only the service's administrators change
    them."""

    inlines = [StandardInline]
