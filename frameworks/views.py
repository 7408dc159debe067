from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from careerpath.permissions import require_staff
from careerpath.plan_advice import plan_advice_for
from frameworks import selectors, services
from frameworks.diff import framework_changes
from frameworks.facts import APPLICATION_RULE_TYPES, criteria_standing
from frameworks.forms import (
    DEVELOPMENT_ROUTE_NAMES,
    DEVELOPMENT_ROUTES,
    CompareForm,
    PlanSharingForm,
    SelfAssessmentForm,
    TargetLevelForm,
)
from frameworks.permissions import (
    can_manage_framework_versions,
    get_development_plan_for,
    get_framework_for,
    get_shared_plan_for,
    is_framework_editor,
    is_worker,
)


def catalogue(request):
    require_staff(request.user)
    editor = is_framework_editor(request.user)
    return render(request, "frameworks/framework_list.html", {
        "professions": selectors.catalogue_for(user=request.user),
        "other_versions": selectors.drafts_and_retired_for(user=request.user) if editor else [],
    })  # fmt: skip


def framework_detail(request, pk):
    framework = get_framework_for(request.user, pk)
    context = selectors.framework_detail(framework=framework)
    context["framework"] = framework
    context["can_manage"] = can_manage_framework_versions(request.user, framework)
    context["current_version"] = selectors.current_version_of(framework=framework)
    return render(request, "frameworks/framework_detail.html", context)


def role_detail(request, pk):
    role = selectors.get_role_for(request.user, pk)
    levels = list(role.levels.all())
    return render(request, "frameworks/role_detail.html", {
        "role": role, "framework": role.framework, "levels": levels,
        "rows": selectors.criteria_by_category(levels),
        "current_version": selectors.current_version_of(framework=role.framework),
    })  # fmt: skip


def level_compare(request, pk):
    framework = get_framework_for(request.user, pk)
    levels = selectors.levels_of_framework(framework=framework)
    form = CompareForm(request.GET or None, levels=levels)
    context = {
        "framework": framework, "form": form,
        "current_version": selectors.current_version_of(framework=framework),
    }  # fmt: skip
    if form.is_valid():
        pair = selectors.get_levels_for(
            request.user, [form.cleaned_data["from_level"].pk, form.cleaned_data["to_level"].pk]
        )
        context.update(
            levels=pair,
            rows=selectors.criteria_by_category(pair),
            routes=selectors.routes_between(from_level=pair[0], to_level=pair[1]),
        )
    return render(request, "frameworks/level_compare.html", context)


def route_detail(request, pk):
    route, successor = selectors.get_route_or_successor_for(request.user, pk)
    # Links to a retired version's route lead to the route that replaced it; editors, who
    # compare versions, still read the retired one.
    if successor is not None and not is_framework_editor(request.user):
        return redirect("frameworks:route-detail", pk=successor.pk)
    eligibility, eligibility_note = None, ""
    if is_worker(request.user):  # eligibility is about the person's own employment record
        eligibility, eligibility_note = selectors.route_eligibility_for(
            person=request.user, route=route, on=timezone.localdate()
        )
    return render(request, "frameworks/route_detail.html", {
        "route": route, "eligibility": eligibility, "eligibility_note": eligibility_note,
        **selectors.route_requirements_for(route=route),
        "current_version": successor.framework if successor else None, "successor": successor,
    })  # fmt: skip


def criteria_search(request):
    require_staff(request.user)
    query = request.GET.get("q", "").strip()[:200]
    criteria, total = selectors.search_criteria(user=request.user, query=query)
    return render(request, "frameworks/criteria_search.html", {
        "query": query, "criteria": criteria, "total": total,
    })  # fmt: skip


def standard_set_detail(request, code):
    require_staff(request.user)
    standard_set = selectors.standard_set_with_standards(code=code)
    return render(request, "frameworks/standard_set_detail.html", {"standard_set": standard_set})


def self_assessment_start(request):
    require_staff(request.user)
    form = TargetLevelForm(request.GET or None, levels=selectors.target_levels_for(
        user=request.user))  # fmt: skip
    if form.is_valid():
        return redirect("frameworks:self-assessment", level_pk=form.cleaned_data["target_level"].pk)
    return render(request, "frameworks/self_assessment_start.html", {
        "form": form, "plans": selectors.development_plans_for(user=request.user),
    })  # fmt: skip


def self_assessment(request, level_pk, plan_pk=None):
    plan = get_development_plan_for(request.user, plan_pk) if plan_pk else None
    level = selectors.get_level_for(request.user, level_pk)
    if plan is not None and plan.target_level_id != level.pk:
        raise Http404
    criteria = list(selectors.criteria_for_target(level=level))
    standing = criteria_standing(person=request.user, criteria=criteria, on=timezone.localdate())
    form = SelfAssessmentForm(
        request.POST if request.method == "POST" else None,
        criteria=criteria, plan=plan, standing=standing,
    )  # fmt: skip
    if form.is_valid():
        plan = services.development_plan_save(
            person=request.user, target_level=level, have=form.have(),
            actions=form.actions(), plan=plan,
        )  # fmt: skip
        messages.success(request, "Your development plan is saved")
        return redirect("frameworks:plan-detail", pk=plan.pk)
    return render(request, "frameworks/self_assessment.html", {
        "level": level, "form": form, "plan": plan, "development_routes": DEVELOPMENT_ROUTES,
        "application_rule_types": APPLICATION_RULE_TYPES,
    })  # fmt: skip


def plan_detail(request, pk):
    plan = get_development_plan_for(request.user, pk)
    level = selectors.get_level_for(request.user, plan.target_level_id)
    # A plan keeps the version it was made against; when a newer one is published, it points
    # to the same level there.
    current_version = selectors.current_version_of(framework=level.role.framework)
    newer_level = selectors.equivalent_level_in(level=level, framework=current_version)
    criteria = selectors.criteria_for_target(level=level)
    gaps, strengths = selectors.plan_gaps_and_strengths(plan=plan, criteria=criteria)
    gaps = [(c, DEVELOPMENT_ROUTE_NAMES.get(route), note) for c, route, note in gaps]
    return render(request, "frameworks/plan_detail.html", {
        "plan": plan, "level": level, "gaps": gaps, "strengths": strengths,
        "development_routes": DEVELOPMENT_ROUTES,
        "framework": level.role.framework, "current_version": current_version,
        "newer_level": newer_level,
        # What a career progression panel asked for when it deferred them (panels registers it;
        # the plan is the person's own).
        "panel_advice": plan_advice_for(person=request.user),
    })  # fmt: skip


def _version_action(request, pk, action, done_message):
    framework = get_framework_for(request.user, pk, manage=True)
    try:
        result = action(framework=framework, actor=request.user)
    except services.FrameworkError as error:
        messages.error(request, str(error))
        return redirect("frameworks:framework-detail", pk=framework.pk)
    messages.success(request, done_message.format(framework=result))
    return redirect("frameworks:framework-detail", pk=result.pk)


@require_POST
def framework_publish(request, pk):
    return _version_action(request, pk, services.framework_publish, "{framework} is published")


@require_POST
def framework_retire(request, pk):
    return _version_action(request, pk, services.framework_retire, "{framework} is retired")


@require_POST
def framework_copy(request, pk):
    return _version_action(
        request, pk, services.framework_copy_to_draft,
        "{framework} is a new draft: edit it in the framework editor, then publish it",
    )  # fmt: skip


def framework_compare_versions(request, pk):
    framework = get_framework_for(request.user, pk, manage=True)
    versions = selectors.framework_detail(framework=framework)["versions"].exclude(pk=pk)
    against = versions.filter(pk=request.GET.get("against") or 0).first() or (
        versions.filter(version__lt=framework.version).first()
    )
    changes = framework_changes(old=against, new=framework) if against else None
    return render(request, "frameworks/framework_changes.html", {
        "framework": framework, "against": against, "versions": versions, "changes": changes,
    })  # fmt: skip


@require_POST
def plan_share(request, pk):
    plan = get_development_plan_for(request.user, pk)
    managers = selectors.plan_managers(person=request.user)
    form = PlanSharingForm(request.POST, plan=plan, managers=managers)
    if not form.is_valid():  # checkboxes: only a crafted POST gets here
        messages.error(request, "Choose who may read the plan")
        return redirect("frameworks:plan-detail", pk=plan.pk)
    services.development_plan_share(
        plan=plan, actor=request.user,
        line_manager=form.cleaned_data.get("line_manager", False),
        practice_supervisor=form.cleaned_data.get("practice_supervisor", False),
    )  # fmt: skip
    plan.refresh_from_db()
    shared = "shared" if plan.is_shared else "not shared"
    messages.success(request, f"Your plan is {shared}")
    return redirect("frameworks:plan-detail", pk=plan.pk)


@require_GET
def shared_plan_detail(request, pk):
    """A plan a worker shared with their line manager or practice supervisor, read-only."""
    plan = get_shared_plan_for(request.user, pk)
    level = plan.target_level
    criteria = selectors.criteria_for_target(level=level)
    gaps, strengths = selectors.plan_gaps_and_strengths(plan=plan, criteria=criteria)
    gaps = [(c, DEVELOPMENT_ROUTE_NAMES.get(route), note) for c, route, note in gaps]
    return render(request, "frameworks/shared_plan_detail.html", {
        "plan": plan, "level": level, "gaps": gaps, "strengths": strengths,
    })  # fmt: skip
