"""Who may see and change frameworks. Anyone on staff reads their own council's published
frameworks; framework editors also see drafts and retired versions, and change them. A retired
version stays readable to people with work made against it (see has_work_on_version)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from careerpath.models import Role as StaffRole
from careerpath.permissions import has_role, is_staff_member, require_role, require_staff
from frameworks.models import DevelopmentPlan, Framework, FrameworkStatus


def is_framework_editor(user):
    return has_role(user, StaffRole.FRAMEWORK_EDITOR)


def is_worker(user):
    """Holds the worker role: has an employment record to check eligibility against."""
    return has_role(user, StaffRole.WORKER)


def frameworks_visible_to(user):
    """The queryset behind every framework page: own organisation only, drafts and retired
    versions for editors only."""
    if not is_staff_member(user):
        return Framework.objects.none()
    frameworks = Framework.objects.filter(organisation_id=user.organisation_id)
    if not is_framework_editor(user):
        frameworks = frameworks.filter(status=FrameworkStatus.PUBLISHED)
    return frameworks


def can_view_framework(user, framework):
    return (
        is_staff_member(user)
        and framework.organisation_id == user.organisation_id
        and (
            framework.status == FrameworkStatus.PUBLISHED
            or is_framework_editor(user)
            or (
                framework.status == FrameworkStatus.RETIRED and has_work_on_version(user, framework)
            )
        )
    )


# Apps above frameworks (applications, in portfolios) register a predicate(user, framework)
# here, so a retired version stays readable to people with work pinned to it; frameworks never
# imports them.
_version_work_checks = []


def register_version_work_check(check):
    if check not in _version_work_checks:
        _version_work_checks.append(check)


def has_work_on_version(user, framework):
    """The person has something made against this framework version (a development plan, or
    what a registered check finds, such as an application), so its pages stay readable to them
    after it is retired."""
    return DevelopmentPlan.objects.filter(
        person=user, target_level__role__framework=framework
    ).exists() or any(check(user, framework) for check in _version_work_checks)


def can_edit_framework(user, framework):
    """Change a framework's content: drafts only, by the service's administrators or by the
    council's framework editors."""
    return framework.status == FrameworkStatus.DRAFT and (
        user.is_superuser
        or (is_framework_editor(user) and framework.organisation_id == user.organisation_id)
    )


def frameworks_editable_by(user):
    """can_edit_framework as a queryset: the versions whose content this person may change."""
    drafts = Framework.objects.filter(status=FrameworkStatus.DRAFT)
    if user.is_superuser:
        return drafts
    if not is_framework_editor(user):
        return drafts.none()
    return drafts.filter(organisation_id=user.organisation_id)


def can_manage_framework_versions(user, framework):
    """Publish, retire and copy: editors, in their own organisation."""
    return is_framework_editor(user) and framework.organisation_id == user.organisation_id


def get_framework_for(user, pk, *, manage=False):
    require_staff(user)
    framework = Framework.objects.select_related("organisation").filter(pk=pk).first()
    if framework is None or not can_view_framework(user, framework):
        raise Http404
    if manage and not can_manage_framework_versions(user, framework):
        raise PermissionDenied
    return framework


def get_draft_for(user, pk):
    """A draft of the framework editor's own council, for its authoring pages: 403 for anyone
    else, 404 for another council's draft or a version that is no longer a draft."""
    require_role(user, StaffRole.FRAMEWORK_EDITOR)
    draft = frameworks_editable_by(user).filter(organisation_id=user.organisation_id, pk=pk)
    framework = draft.select_related("organisation").first()
    if framework is None:
        raise Http404
    return framework


def get_development_plan_for(user, pk):
    require_staff(user)
    plan = DevelopmentPlan.objects.filter(pk=pk, person=user).first()
    if plan is None:
        raise Http404
    return plan


# --- Development plans shared with the people who support the worker -----------------------


def can_read_shared_plans(user):
    return has_role(user, StaffRole.LINE_MANAGER, StaffRole.PRACTICE_SUPERVISOR)


def can_view_shared_plan(user, plan):
    """The worker's own line manager or practice supervisor, when the plan is shared with that
    one of them, in the same organisation."""
    person = plan.person
    return (
        is_staff_member(user)
        and person.organisation_id == user.organisation_id
        and (
            (plan.shared_with_line_manager and person.line_manager_id == user.pk)
            or (plan.shared_with_practice_supervisor and person.practice_supervisor_id == user.pk)
        )
    )


def shared_plans_visible_to(user, *, as_role=None):
    """The queryset form of can_view_shared_plan; as_role narrows it to the plans shared with
    the person as line manager or as practice supervisor."""
    if not is_staff_member(user):
        return DevelopmentPlan.objects.none()
    as_line_manager = Q(shared_with_line_manager=True, person__line_manager=user)
    as_supervisor = Q(shared_with_practice_supervisor=True, person__practice_supervisor=user)
    condition = {
        StaffRole.LINE_MANAGER: as_line_manager,
        StaffRole.PRACTICE_SUPERVISOR: as_supervisor,
    }.get(as_role, as_line_manager | as_supervisor)
    return DevelopmentPlan.objects.filter(condition, person__organisation_id=user.organisation_id)


def get_shared_plan_for(user, pk):
    """A plan someone shared with this person, with its owner and target level."""
    require_staff(user)
    if not can_read_shared_plans(user):
        raise PermissionDenied
    plan = (
        DevelopmentPlan.objects.select_related("person", "target_level__role__framework")
        .filter(pk=pk)
        .first()
    )
    if plan is None or not can_view_shared_plan(user, plan):
        raise Http404
    return plan
