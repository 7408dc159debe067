"""The panel pack: what a session's members read, and who may read it.

Only the members of a session see its pack, only in their own council, and its applications only
once the coordinator has released it. They read the frozen submission (snapshot and PDF), never
the worker's live library. Someone with no seat answers 404 when they hold the panel member role
(so nobody can probe for sessions) and 403 when they do not."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from careerpath.models import Role
from careerpath.permissions import has_role, require_staff
from panels.membership import conflicts_by_application, member_of
from panels.models import Booking, PanelSession
from portfolios.applications.steps import step_at
from portfolios.models import Application, Submission


def _refuse(user):
    if has_role(user, Role.PANEL_MEMBER):
        raise Http404
    raise PermissionDenied


def get_pack_seat_for(user, pk):
    """The user's seat on session `pk` (with the session and its route); 404/403 otherwise."""
    require_staff(user)
    session = (
        PanelSession.objects.select_related("route__framework", "organisation")
        .filter(pk=pk, organisation_id=user.organisation_id)
        .first()
    )
    seat = member_of(user, session) if session is not None else None
    if seat is None:
        _refuse(user)
    seat.session, seat.person = session, user
    return seat


def get_pack_application_for(user, pk, application_pk):
    """(seat, application): an application booked on the user's session, once the pack is
    released; 404 before."""
    seat = get_pack_seat_for(user, pk)
    if seat.session.pack_released_at is None:
        raise Http404
    application = (
        Application.objects.filter(
            pk=application_pk,
            organisation_id=user.organisation_id,
            panel_bookings__session_id=seat.session_id,
            panel_bookings__cancelled_at__isnull=True,
        )
        .select_related("applicant", "route__framework", "organisation")
        .first()
    )
    if application is None:
        raise Http404
    return seat, application


def applications_in_released_packs_of(user):
    """Applications booked on a session the user sits on, whose pack is released: their
    submissions (PDF) are readable to the member (registered with portfolios)."""
    if not getattr(user, "is_authenticated", False) or user.organisation_id is None:
        return Application.objects.none()
    return Application.objects.filter(
        organisation_id=user.organisation_id,
        panel_bookings__cancelled_at__isnull=True,
        panel_bookings__session__pack_released_at__isnull=False,
        panel_bookings__session__members__person_id=user.pk,
    )


@dataclass(frozen=True)
class PackEntry:
    application: Application
    submission: Submission | None  # the latest, without its snapshot
    conflicts: list  # reasons the reader cannot judge it (empty: they may)

    @property
    def awaiting_decision(self):
        return step_at(self.application.route, self.application.state) == "decide"


def latest_submission_of(application):
    return application.submissions.order_by("-number").first()


def pack_for(*, seat):
    """The session's booked applications, first booked first, each with its latest submission
    and the reader's conflicts: five queries whatever the number (bookings, submissions, and
    conflicts_by_application's three)."""
    bookings = list(
        Booking.objects.filter(session_id=seat.session_id, cancelled_at__isnull=True)
        .select_related("application__applicant", "application__route")
        .order_by("booked_at", "pk")
    )
    applications = [booking.application for booking in bookings]
    latest = {}
    for submission in (
        Submission.objects.filter(application__in=applications)
        .defer("snapshot")
        .order_by("application", "-number")
    ):
        latest.setdefault(submission.application_id, submission)
    reasons = conflicts_by_application(seat.person, applications)
    return [
        PackEntry(application, latest.get(application.pk), reasons[application.pk])
        for application in applications
    ]


def pack_attention(user, *, limit=5):
    """Home page items for panel members: the coming sessions they sit on, soonest first, with
    whether the pack is ready to read. One query."""
    from django.urls import reverse
    from django.utils import timezone

    from careerpath.dates import long_date
    from careerpath.selectors import AttentionItem
    from panels.models import SessionStatus

    seats = (
        PanelSession.objects.filter(
            members__person_id=user.pk,
            organisation_id=user.organisation_id,
            status=SessionStatus.PLANNED,
            ends_at__gte=timezone.now(),
        )
        .select_related("route")
        .order_by("starts_at", "pk")[:limit]
    )
    return [
        AttentionItem(
            label=f"{session.route.title}: panel on {long_date(session.starts_at)}",
            url=reverse("panels:pack", args=[session.pk]),
            hint="The pack is ready to read"
            if session.pack_released_at
            else "The coordinator has not released the pack yet",
        )
        for session in seats
    ]
