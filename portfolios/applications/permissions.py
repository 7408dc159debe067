"""Who may see and change an application, written once. Today an application is its applicant's
alone; reviewers (issue 10) and the panel (issue 11) are added here, in can_view_application and
applications_visible_to, which must keep saying the same thing."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from careerpath.permissions import is_staff_member, require_staff
from portfolios.applications.workflow import WITH_THE_WORKER
from portfolios.models import Application, Submission


def applications_visible_to(user):
    """The queryset behind every application page: the same rule as can_view_application."""
    if not is_staff_member(user):
        return Application.objects.none()
    return Application.objects.filter(applicant_id=user.pk, organisation_id=user.organisation_id)


def can_view_application(user, application):
    return (
        is_staff_member(user)
        and application.organisation_id == user.organisation_id
        and application.applicant_id == user.pk
        # Reviewers while it is theirs to review, and the panel, will be added here.
    )


def has_application_on_version(user, framework):
    """An application someone may read is pinned to this framework version: its pages stay
    readable to them when the version is retired (registered with frameworks.permissions)."""
    return applications_visible_to(user).filter(route__framework=framework).exists()


def can_change_application(user, application):
    """Write sections and link evidence: the applicant, while the application is with them."""
    return (
        can_view_application(user, application)
        and application.applicant_id == user.pk
        and application.state in WITH_THE_WORKER
    )


def get_application_for(user, pk, *, for_change=False):
    """An application the person may see, with its route and framework; 404 when missing or not
    theirs, 403 when asked to change one they may only read (submitted, decided...), and 403
    for anyone with no role in a council (the service's own administrators)."""
    require_staff(user)
    application = (
        applications_visible_to(user)
        .select_related(
            "applicant", "route__framework", "route__to_level__role", "route__from_level"
        )
        .filter(pk=pk)
        .first()
    )
    if application is None or not can_view_application(user, application):
        raise Http404
    if for_change and not can_change_application(user, application):
        raise PermissionDenied
    return application


def get_submission_for(user, pk):
    """A submission of an application the person may see (the same rule as the application's
    pages); 404 otherwise."""
    submission = (
        Submission.objects.filter(application__in=applications_visible_to(user), pk=pk)
        .select_related("application")
        .first()
    )
    if submission is None:
        raise Http404
    return submission
