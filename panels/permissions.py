"""Who may arrange panel sessions: the progression coordinator, in their own organisation.

Fetchers answer 403 to people on the council's staff who are not coordinators, and 404 for a
session that does not exist or belongs to another council, so nobody can probe for them."""

from django.http import Http404

from careerpath.models import Role
from careerpath.permissions import has_role, is_staff_member, require_role, require_staff
from frameworks.models import FrameworkStatus, ProgressionRoute
from panels.models import PanelSession, SessionStatus
from portfolios.applications.permissions import applications_visible_to, can_view_application


def is_hr(user):
    """HR of the person's council: the decisions, checklists, letters and reports."""
    return is_staff_member(user) and has_role(user, Role.HR)


def is_progression_coordinator(user):
    return is_staff_member(user) and has_role(user, Role.PROGRESSION_COORDINATOR)


def can_manage_session(user, session):
    return is_progression_coordinator(user) and session.organisation_id == user.organisation_id


def can_edit_session(user, session):
    """Change a session's details: only while it is still planned."""
    return can_manage_session(user, session) and session.status == SessionStatus.PLANNED


def can_view_session(user, session):
    """Anyone on the council's staff sees its planned sessions (a worker picks one to book)."""
    return is_staff_member(user) and session.organisation_id == user.organisation_id


def sessions_managed_by(user):
    """can_manage_session as a queryset."""
    if not is_progression_coordinator(user):
        return PanelSession.objects.none()
    return PanelSession.objects.filter(organisation_id=user.organisation_id)


def sessions_visible_to(user):
    """can_view_session as a queryset."""
    if not is_staff_member(user):
        return PanelSession.objects.none()
    return PanelSession.objects.filter(organisation_id=user.organisation_id)


def routes_for_sessions(user):
    """The routes a coordinator may arrange sessions for: published, of their own council, with
    a panel."""
    if not is_progression_coordinator(user):
        return ProgressionRoute.objects.none()
    return ProgressionRoute.objects.filter(
        framework__organisation_id=user.organisation_id,
        framework__status=FrameworkStatus.PUBLISHED,
        panel__isnull=False,
    )


def require_coordinator(user):
    require_role(user, Role.PROGRESSION_COORDINATOR)


def get_session_for(user, pk):
    """A session this coordinator manages, with its route and framework."""
    require_coordinator(user)
    session = (
        PanelSession.objects.select_related("route__framework", "organisation")
        .filter(pk=pk)
        .first()
    )
    if session is None or not can_manage_session(user, session):
        raise Http404
    return session


def get_route_for_sessions(user, pk):
    require_coordinator(user)
    if not str(pk).isdigit():
        raise Http404
    route = routes_for_sessions(user).select_related("framework").filter(pk=pk).first()
    if route is None:
        raise Http404
    return route


# --- Booking a place --------------------------------------------------------------------------


def can_book(user, application):
    """Book (or give up) a place for an application: its applicant, in their own council. The
    route, the agreement and the session are the booking service's checks."""
    return (
        is_staff_member(user)
        and application.organisation_id == user.organisation_id
        and application.applicant_id == user.pk
    )


def get_application_to_book(user, pk):
    """The person's own application (404 for anyone else's), ready for the booking pages: its
    route with the rules, and the agreements recorded."""
    require_staff(user)
    application = (
        applications_visible_to(user)
        .select_related("applicant", "route__framework", "route__from_level")
        .prefetch_related("route__rules", "attestations")
        .filter(pk=pk)
        .first()
    )
    if application is None or not can_view_application(user, application):
        raise Http404
    if not can_book(user, application):
        raise Http404
    return application
