"""The framework editor: framework editors change drafts of their own council's frameworks here.
Published and retired versions are read-only; a new version starts with "Copy to a new draft".

Isolation is written once for every page here: each choice list offers only what the person may
choose (which also makes the form refuse anything else a POST names), each permission hook asks
can_edit_framework about the object's version, and each save and delete asks again on the server."""

import copy

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import Http404

from careerpath.models import Organisation
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
from frameworks.permissions import can_edit_framework, frameworks_editable_by, is_framework_editor

# How each model of a framework's content reaches its version. Every choice of one of these
# models is limited through its path, so a new field pointing at one is scoped with no more code.
FRAMEWORK_PATHS = {
    Framework: "",
    Role: "framework",
    Level: "role__framework",
    Criterion: "level__role__framework",
    ProgressionRoute: "framework",
}
# The national standards are the same for every council.
SHARED_MODELS = (Standard, StandardSet)


def _version_lookup(model):
    path = FRAMEWORK_PATHS[model]
    return f"{path}__pk" if path else "pk"


def _framework_of(obj):
    """The version an object belongs to; None when it belongs to none (yet)."""
    if isinstance(obj, Rule):
        obj = obj.criterion if obj.criterion_id else obj.route if obj.route_id else None
    path = FRAMEWORK_PATHS.get(type(obj))
    if path is None:
        return None
    for name in filter(None, path.split("__")):
        obj = getattr(obj, name, None)  # a relation not set yet reads as None
    return obj


def _may_edit(user, obj):
    """The same rule as the pages: a version's content changes only while it is a draft, in the
    editor's own council. Things outside any framework (the standards) are left to their admin."""
    if obj is None or not isinstance(obj, (*FRAMEWORK_PATHS, Rule)):
        return True
    framework = _framework_of(obj)
    return framework is not None and can_edit_framework(user, framework)


def _require_editable(user, obj):
    if not _may_edit(user, obj):
        raise PermissionDenied


def _choices(user, queryset, framework=None, new_parent=False):
    """What a choice list may offer: the person's editable versions and their content, or, on
    an object's own page, that version's content only."""
    model = queryset.model
    if issubclass(model, SHARED_MODELS):
        return queryset
    if model is Organisation:
        return queryset if user.is_superuser else queryset.filter(pk=user.organisation_id)
    if model not in FRAMEWORK_PATHS:
        # A model this editor does not know offers nothing until it is given a path above.
        return queryset if user.is_superuser else queryset.none()
    if new_parent:
        # The rows of a parent being created can only point into it, and it has no content yet.
        return queryset.none()
    lookup = _version_lookup(model)
    queryset = queryset.filter(**{f"{lookup}__in": frameworks_editable_by(user)})
    if framework is not None:
        queryset = queryset.filter(**{lookup: framework.pk})
    return queryset


def _scope_choices(form_class, user, **within):
    """Limit every choice field of a form class, generated or declared, to what this person may
    choose. The form then refuses any other value a POST names, whatever the page offered."""
    for name, field in list(form_class.base_fields.items()):
        if getattr(field, "queryset", None) is None:
            continue
        field = copy.deepcopy(field)  # declared fields are shared by every request
        field.queryset = _choices(user, field.queryset, **within)
        form_class.base_fields[name] = field
    return form_class


class EditorScopedAdmin(admin.ModelAdmin):
    """Superusers see everything; framework editors see their own council's frameworks and
    change only drafts."""

    organisation_path = "organisation"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{self.organisation_path: request.user.organisation_id})

    def get_object(self, request, object_id, from_field=None):
        # Another council's object answers 404, the same as one that does not exist.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return _scope_choices(form, request.user, framework=_framework_of(obj))

    def get_changelist_form(self, request, **kwargs):
        return _scope_choices(super().get_changelist_form(request, **kwargs), request.user)

    def _editor(self, request):
        return request.user.is_superuser or is_framework_editor(request.user)

    def has_module_permission(self, request):
        return self._editor(request)

    def has_view_permission(self, request, obj=None):
        return self._editor(request)

    def has_add_permission(self, request, obj=None):
        return self._editor(request) and _may_edit(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return self._editor(request) and _may_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editor(request) and _may_edit(request.user, obj)

    # Every write checks the version again on the server, whatever the form let through. The
    # admin runs each in a transaction, so a refusal leaves nothing written.
    def save_model(self, request, obj, form, change):
        _require_editable(request.user, obj)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        _require_editable(request.user, formset.instance)
        super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj):
        _require_editable(request.user, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # The bulk action: one read-only object among those chosen refuses the whole action.
        editable = frameworks_editable_by(request.user)
        lookup = f"{_version_lookup(queryset.model)}__in"
        if queryset.exclude(**{lookup: editable}).exists():
            raise PermissionDenied
        super().delete_queryset(request, queryset)


class ScopedInlineFormSet(BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        # Django checks a row's id against every row of the model; only this page's rows may be
        # named, so a crafted id is a form error instead of being skipped without a word.
        row_id = form.fields.get(self.model._meta.pk.name)
        if isinstance(row_id, forms.ModelChoiceField):
            row_id.queryset = self.get_queryset()

    def clean(self):
        super().clean()
        # A row marked for deletion is not validated: one that is not this page's is refused here.
        if any(form.instance.pk is None for form in self.initial_forms):
            raise ValidationError("A row here is not part of this page: reload it and try again.")


class ScopedInline(admin.StackedInline):
    extra = 0
    formset = ScopedInlineFormSet

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        _scope_choices(
            formset.form, request.user, framework=_framework_of(obj), new_parent=obj is None
        )
        return formset

    def has_add_permission(self, request, obj=None):
        return _may_edit(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return _may_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return _may_edit(request.user, obj)

    def has_view_permission(self, request, obj=None):
        return True


class RouteForm(forms.ModelForm):
    """A route runs between levels of its own framework."""

    def clean(self):
        cleaned_data = super().clean()
        # On the route's own page the framework is chosen; inline, it is the page's framework.
        framework = cleaned_data.get("framework")
        for name in ("from_level", "to_level"):
            level = cleaned_data.get(name)
            if framework and level and level.role.framework_id != framework.pk:
                self.add_error(name, "Choose a level of this route's own framework.")
        return cleaned_data


class RoleInline(ScopedInline):
    model = Role
    fields = ["code", "title", "order", "pay_range", "grade", "pay_point"]
    show_change_link = True


class RouteInline(ScopedInline):
    model = ProgressionRoute
    form = RouteForm
    fk_name = "framework"
    fields = ["code", "title", "kind", "from_level", "to_level", "order"]
    show_change_link = True


class FrameworkForm(forms.ModelForm):
    def clean(self):
        cleaned_data = super().clean()
        # The version number is not on the form, so Django cannot check this constraint itself.
        slug, framework = cleaned_data.get("slug"), self.instance
        organisation = cleaned_data.get("organisation") or getattr(framework, "organisation", None)
        if framework.pk and slug and organisation:
            taken = Framework.objects.filter(
                organisation=organisation, slug=slug, version=framework.version
            ).exclude(pk=framework.pk)
            if taken.exists():
                self.add_error(
                    "slug", f"Version {framework.version} of '{slug}' exists: choose another slug."
                )
        return cleaned_data


@admin.register(Framework)
class FrameworkAdmin(EditorScopedAdmin):
    form = FrameworkForm
    list_display = ["title", "version", "version_label", "status", "organisation"]
    list_filter = ["status", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["title", "profession"]
    readonly_fields = ["status", "published_at", "retired_at", "copied_from", "version"]
    inlines = [RoleInline, RouteInline]

    def get_list_filter(self, request):
        # Other councils' names are not an editor's to choose from, even as a filter.
        filters = super().get_list_filter(request)
        return filters if request.user.is_superuser else [f for f in filters if f != "organisation"]

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
    form = RouteForm
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
