"""The pages framework editors write a draft on, instead of the Django admin. Each checks the
draft is their council's and still a draft (frameworks.permissions.get_draft_for), and each of
its parts belongs to that draft, on every request."""

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from careerpath.models import Role as StaffRole
from careerpath.permissions import require_role
from frameworks import authoring, selectors, services
from frameworks.forms_authoring import (
    CriterionForm,
    FrameworkDetailsForm,
    LevelForm,
    PublishForm,
    RoleForm,
)
from frameworks.models import Category, Criterion, Level, Role
from frameworks.permissions import get_draft_for

PARTS = {"roles": Role, "levels": Level, "criteria": Criterion}
DRAFT_OF = {
    "roles": "framework",
    "levels": "role__framework",
    "criteria": "level__role__framework",
}


def _part(draft, kind, pk):
    """A role, level or criterion of this draft; anything else does not exist."""
    if kind not in PARTS:
        raise Http404
    related = {"roles": (), "levels": ("role",), "criteria": ("level__role",)}[kind]
    return get_object_or_404(
        PARTS[kind].objects.select_related(*related), pk=pk, **{DRAFT_OF[kind]: draft}
    )


def _back_to_list(draft, part):
    if isinstance(part, Role):
        return redirect("frameworks:draft-roles", pk=draft.pk)
    if isinstance(part, Level):
        return redirect("frameworks:draft-levels", pk=draft.pk, part_pk=part.role_id)
    return redirect("frameworks:draft-criteria", pk=draft.pk, part_pk=part.level_id)


def _save(request, action, done, *args, **kwargs):
    """Run a save; a draft published meanwhile (or a clash) is said plainly and changes
    nothing."""
    try:
        result = action(*args, actor=request.user, **kwargs)
    except services.FrameworkError as error:
        messages.error(request, str(error))
        return None, str(error)
    messages.success(request, done)
    return result, None


def framework_new(request):
    require_role(request.user, StaffRole.FRAMEWORK_EDITOR)
    form = FrameworkDetailsForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        framework = authoring.framework_create(
            organisation=request.user.organisation, actor=request.user, **form.cleaned_data
        )
        messages.success(request, f"{framework.title} is a new draft: add its roles")
        return redirect("frameworks:draft", pk=framework.pk)
    return render(request, "frameworks/authoring/framework_new.html", {"form": form})


def draft(request, pk):
    framework = get_draft_for(request.user, pk)
    return render(request, "frameworks/authoring/draft.html", {
        "framework": framework, "tasks": authoring.draft_tasks(framework=framework),
        "current_version": selectors.current_version_of(framework=framework),
    })  # fmt: skip


def draft_details(request, pk):
    framework = get_draft_for(request.user, pk)
    initial = {field: getattr(framework, field) for field in authoring.DETAIL_FIELDS}
    form = FrameworkDetailsForm(request.POST if request.method == "POST" else None,
                                initial=initial)  # fmt: skip
    if form.is_valid():
        _, error = _save(request, authoring.draft_details_save, "The details are saved",
                         framework=framework, **form.cleaned_data)  # fmt: skip
        return redirect("frameworks:draft", pk=framework.pk)
    return render(request, "frameworks/authoring/details.html", {
        "framework": framework, "form": form,
    })  # fmt: skip


def draft_roles(request, pk):
    framework = get_draft_for(request.user, pk)
    roles = framework.roles.annotate(level_count=Count("levels")).order_by("order", "pk")
    return render(request, "frameworks/authoring/roles.html", {
        "framework": framework, "roles": roles,
    })  # fmt: skip


def draft_role(request, pk, part_pk=None):
    """Add a role (no part_pk) or change one."""
    framework = get_draft_for(request.user, pk)
    role = _part(framework, "roles", part_pk) if part_pk else None
    initial = {field: getattr(role, field) for field in authoring.ROLE_FIELDS} if role else None
    form = RoleForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        saved, error = _save(request, authoring.role_save, f"{form.cleaned_data['title']} is saved",
                             framework=framework, role=role, **form.cleaned_data)  # fmt: skip
        if saved and role is None:
            return redirect("frameworks:draft-levels", pk=framework.pk, part_pk=saved.pk)
        return redirect("frameworks:draft-roles", pk=framework.pk)
    return render(request, "frameworks/authoring/role_form.html", {
        "framework": framework, "role": role, "form": form,
    })  # fmt: skip


def draft_levels(request, pk, part_pk):
    framework = get_draft_for(request.user, pk)
    role = _part(framework, "roles", part_pk)
    levels = role.levels.annotate(criterion_count=Count("criteria")).order_by("order", "pk")
    return render(request, "frameworks/authoring/levels.html", {
        "framework": framework, "role": role, "levels": levels,
    })  # fmt: skip


def _level_form(request, framework, role, level):
    initial = {field: getattr(level, field) for field in authoring.LEVEL_FIELDS} if level else None
    form = LevelForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        try:
            authoring.level_save(framework=framework, actor=request.user, role=role, level=level,
                                 **form.cleaned_data)  # fmt: skip
        except services.FrameworkError as error:
            form.add_error("code", str(error))
        else:
            messages.success(request, f"Level {form.cleaned_data['code']} is saved")
            return redirect("frameworks:draft-levels", pk=framework.pk, part_pk=role.pk)
    return render(request, "frameworks/authoring/level_form.html", {
        "framework": framework, "role": role, "level": level, "form": form,
    })  # fmt: skip


def draft_level_add(request, pk, part_pk):
    framework = get_draft_for(request.user, pk)
    return _level_form(request, framework, _part(framework, "roles", part_pk), None)


def draft_level_edit(request, pk, part_pk):
    framework = get_draft_for(request.user, pk)
    level = _part(framework, "levels", part_pk)
    return _level_form(request, framework, level.role, level)


def draft_criteria(request, pk, part_pk):
    framework = get_draft_for(request.user, pk)
    level = _part(framework, "levels", part_pk)
    criteria = list(level.criteria.order_by("order", "pk"))
    groups = [
        (label, [criterion for criterion in criteria if criterion.category == value])
        for value, label in Category.choices
    ]
    return render(request, "frameworks/authoring/criteria.html", {
        "framework": framework, "level": level, "role": level.role,
        "groups": [(label, items) for label, items in groups if items],
    })  # fmt: skip


def _criterion_form(request, framework, level, criterion):
    initial = (
        {field: getattr(criterion, field) for field in authoring.CRITERION_FIELDS}
        if criterion
        else None
    )
    form = CriterionForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        _save(request, authoring.criterion_save, "The criterion is saved", framework=framework,
              level=level, criterion=criterion, **form.cleaned_data)  # fmt: skip
        return redirect("frameworks:draft-criteria", pk=framework.pk, part_pk=level.pk)
    return render(request, "frameworks/authoring/criterion_form.html", {
        "framework": framework, "level": level, "role": level.role, "criterion": criterion,
        "form": form,
    })  # fmt: skip


def draft_criterion_add(request, pk, part_pk):
    framework = get_draft_for(request.user, pk)
    return _criterion_form(request, framework, _part(framework, "levels", part_pk), None)


def draft_criterion_edit(request, pk, part_pk):
    framework = get_draft_for(request.user, pk)
    criterion = _part(framework, "criteria", part_pk)
    return _criterion_form(request, framework, criterion.level, criterion)


@require_POST
def draft_part_move(request, pk, kind, part_pk):
    framework = get_draft_for(request.user, pk)
    part = _part(framework, kind, part_pk)
    try:
        authoring.draft_part_move(framework=framework, actor=request.user, part=part,
                                  direction=request.POST.get("direction"))  # fmt: skip
    except services.FrameworkError as error:
        messages.error(request, str(error))
    return _back_to_list(framework, part)


@require_POST
def draft_part_remove(request, pk, kind, part_pk):
    framework = get_draft_for(request.user, pk)
    part = _part(framework, kind, part_pk)
    _save(request, authoring.draft_part_remove, f"{str(part)[:80]} is removed",
          framework=framework, part=part)  # fmt: skip
    return _back_to_list(framework, part)


# --- Preview and publish -------------------------------------------------------------------


def draft_preview(request, pk):
    framework = get_draft_for(request.user, pk)
    return render(request, "frameworks/authoring/preview.html", {
        "framework": framework,
        "roles": framework.roles.prefetch_related(
            Prefetch("levels", queryset=Level.objects.order_by("order"))),
        "routes": framework.routes.select_related("from_level__role", "to_level__role"),
    })  # fmt: skip


def draft_preview_role(request, pk, part_pk):
    """The role's page as workers will read it once published, from the worker's own view's
    reads and template."""
    framework = get_draft_for(request.user, pk)
    role = selectors.get_role_for(request.user, part_pk)
    if role.framework_id != framework.pk:
        raise Http404
    levels = list(role.levels.all())
    return render(request, "frameworks/authoring/preview_role.html", {
        "role": role, "framework": role.framework, "levels": levels,
        "rows": selectors.criteria_by_category(levels), "current_version": None,
        "draft": framework,
    })  # fmt: skip


def draft_preview_route(request, pk, part_pk):
    framework = get_draft_for(request.user, pk)
    route = selectors.get_route_for(request.user, part_pk)
    if route.framework_id != framework.pk:
        raise Http404
    return render(request, "frameworks/authoring/preview_route.html", {
        "route": route, "eligibility": None, "eligibility_note": "",
        **selectors.route_requirements_for(route=route),
        "current_version": None, "successor": None, "draft": framework,
    })  # fmt: skip


def draft_publish(request, pk):
    framework = get_draft_for(request.user, pk)
    current = selectors.current_version_of(framework=framework)
    if current is not None and current.pk == framework.pk:
        current = None
    form = PublishForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        published, error = _save(request, services.framework_publish,
                                 f"{framework} is published", framework=framework)  # fmt: skip
        if published:
            return redirect("frameworks:framework-detail", pk=published.pk)
        return redirect("frameworks:draft", pk=framework.pk)
    return render(request, "frameworks/authoring/publish.html", {
        "framework": framework, "form": form, "current": current,
        "people_on_current": authoring.people_on_version(current),
    })  # fmt: skip
