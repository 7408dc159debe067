"""Who may see and change frameworks. Anyone on staff reads their own council's published
frameworks; framework editors also see drafts and retired versions, and change them."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from careerpath.models import Role as StaffRole
from careerpath.permissions import has_role, is_staff_member, require_staff
from frameworks.models import DevelopmentPlan, Framework, FrameworkStatus


def is_framework_editor(user):
    return has_role(user, StaffRole.FRAMEWORK_EDITOR)


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
        and (framework.status == FrameworkStatus.PUBLISHED or is_framework_editor(user))
    )


def can_edit_framework(user, framework):
    """Change a framework's content: drafts only, by the service's administrators or by the
    council's framework editors."""
    return framework.status == FrameworkStatus.DRAFT and (
        user.is_superuser
        or (is_framework_editor(user) and framework.organisation_id == user.organisation_id)
    )


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


def get_development_plan_for(user, pk):
    require_staff(user)
    plan = DevelopmentPlan.objects.filter(pk=pk, person=user).first()
    if plan is None:
        raise Http404
    return plan
