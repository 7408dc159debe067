"""The progression coordinator's bookings: which applications they book onto a session, and
which sessions they may book them on.

Two kinds of application wait for the coordinator:
- on routes whose coordinator books after referral (Dudley's SW-SSW, the apprenticeship and the
  return to social work), a confirmed application: in the state its route's decision starts
  from (steps.review_sources(...)["decide"]), with no live booking;
- on any panel route, an application returned for a new hearing after an upheld appeal, with no
  place on a session still to come.
A session is open to them when it is planned, of the application's route, has a place left and
starts at least the route's lead time from today (panels.scheduling.lead_days)."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from careerpath.permissions import require_staff
from careerpath.selectors import AttentionItem
from panels.models import Booking, SessionStatus
from panels.permissions import is_progression_coordinator
from panels.scheduling import lead_days
from panels.selectors import sessions_for_route, with_places_taken
from portfolios.applications.booking import COORDINATOR_BOOKS, WORKER_BOOKS, booking_mode
from portfolios.applications.steps import UNDER_REVIEW, review_sources, route_workflow
from portfolios.models import Application, ApplicationState

# An upheld appeal returns the application for a new hearing. The state is being added to the
# workflow; until it is there, this is empty and only confirmed applications wait.
NEW_HEARING_STATES = tuple(
    state for state in (getattr(ApplicationState, "NEW_HEARING", None),) if state is not None
)


def decision_source(route):
    """The state an application on the route waits for its decision in (confirmed)."""
    return review_sources(route_workflow(route))["decide"]


def waiting_for_coordinator(application):
    """Whether the application's state and route put its booking in the coordinator's hands
    (whether it is booked already is the caller's question)."""
    mode = booking_mode(application.route)
    if application.state in NEW_HEARING_STATES:
        return mode in (WORKER_BOOKS, COORDINATOR_BOOKS)
    return mode == COORDINATOR_BOOKS and application.state == decision_source(application.route)


def can_book_for(user, application):
    """Book a place on someone else's application: the progression coordinator of the
    application's council, never for their own application. Whether the application waits
    for them is the booking service's check (waiting_for_coordinator)."""
    return (
        is_progression_coordinator(user)
        and application.organisation_id == user.organisation_id
        and application.applicant_id != user.pk
    )


def refusal(application):
    """Why the coordinator cannot book this application, by its route and state (None: they
    can). Whether it holds a place already is the booking service's check: an upheld appeal
    gives up the place at the hearing it set aside (panels.appeals), so a new hearing too waits
    with no live booking."""
    if not waiting_for_coordinator(application):
        if booking_mode(application.route) != COORDINATOR_BOOKS:
            return "On this route the worker books their own place on a panel"
        return (
            f"This application is {application.get_state_display().lower()}: it is booked on "
            "a panel once it is confirmed"
        )
    return None


def too_soon(session, *, route, today):
    """Whether the session is within the route's lead time from today."""
    days, _ = lead_days(route.panel)
    return timezone.localdate(session.starts_at) < today + datetime.timedelta(days=days)


# --- Reads --------------------------------------------------------------------------------------


def applications_to_book(user):
    """The applications waiting for this coordinator to book them, longest waiting first. One
    query: the candidates with no live place, with their applicants and routes; whether the
    state is the one the route's decision starts from is checked in Python."""
    if not is_progression_coordinator(user):
        return []
    live = Booking.objects.filter(application=OuterRef("pk"), cancelled_at__isnull=True)
    candidates = (
        Application.objects.filter(
            organisation_id=user.organisation_id,
            state__in=(*UNDER_REVIEW, *NEW_HEARING_STATES),
        )
        .exclude(applicant_id=user.pk)
        .exclude(Exists(live))
        .select_related("applicant", "route__framework")
        .order_by("state_changed_at", "pk")
    )
    return [application for application in candidates if waiting_for_coordinator(application)]


@dataclass(frozen=True)
class SessionOffer:
    session: object
    places_left: int
    too_soon: bool

    @property
    def can_book(self):
        return self.places_left > 0 and not self.too_soon


def session_offers(application, *, today=None):
    """The application's route's planned sessions still to come, soonest first, each with its
    places left and whether it is within the lead time. One query."""
    today = today or timezone.localdate()
    sessions = (
        with_places_taken(sessions_for_route(route=application.route))
        .filter(status=SessionStatus.PLANNED, starts_at__gt=timezone.now())
        .select_related("route")
        .order_by("starts_at", "pk")
    )
    return [
        SessionOffer(
            session=session,
            places_left=max(session.capacity - session.places_taken, 0),
            too_soon=too_soon(session, route=application.route, today=today),
        )
        for session in sessions
    ]


def get_application_to_book_for(user, pk):
    """An application of the coordinator's council, with its applicant and route: 403 for
    anyone but a coordinator, 404 for another council's or their own."""
    require_staff(user)
    if not is_progression_coordinator(user):
        raise PermissionDenied
    application = (
        Application.objects.filter(pk=pk, organisation_id=user.organisation_id)
        .select_related("applicant", "route__framework", "route__from_level")
        .first()
    )
    if application is None or not can_book_for(user, application):
        raise Http404
    return application


def booking_queue_attention(user):
    """The coordinator's home page: how many applications wait for a session."""
    count = len(applications_to_book(user))
    if not count:
        return []
    return [
        AttentionItem(
            label=f"{count} application{'s' if count != 1 else ''} to book onto a panel",
            url=reverse("panels:booking-queue"),
        )
    ]
