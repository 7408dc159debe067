"""Reads for late portfolios and moving a booking, computed on read (no scheduled job).

After a session's submission deadline, a live booking whose application has not been submitted
(still being written, or returned for changes and not sent back) is late: it is flagged to the
coordinator, who may move it to a later session of the route. An application that was submitted
passed the readiness check then (the submit transition's guard), so the list reads the state
only, in a fixed number of queries; the move page, about one application, runs the readiness
check itself and shows what is missing."""

from django.urls import reverse
from django.utils import timezone

from careerpath.dates import long_date
from careerpath.selectors import AttentionItem
from panels.models import Booking, SessionStatus
from panels.permissions import is_progression_coordinator
from panels.selectors import live_bookings, sessions_for_route, with_places_taken
from portfolios.models import ApplicationState

# Not submitted: being written, or returned for changes and not sent back.
LATE_STATES = (ApplicationState.DRAFTING, ApplicationState.RETURNED)


def deadline_passed(session, *, today=None):
    return session.submission_deadline < (today or timezone.localdate())


def late_bookings_of(*, session, today=None):
    """The session's live bookings whose portfolio is late, first booked first, with the
    applicants and their applications; none before the deadline has passed. One query."""
    if not deadline_passed(session, today=today):
        return []
    return list(
        live_bookings()
        .filter(session=session, application__state__in=LATE_STATES)
        .select_related("application")
    )


def later_sessions_for(*, session, today=None):
    """The route's planned sessions after this one still open for portfolios, soonest first,
    annotated with places_taken (full ones included, so the page can say so). One query."""
    today = today or timezone.localdate()
    return list(
        with_places_taken(sessions_for_route(route=session.route))
        .filter(
            status=SessionStatus.PLANNED,
            starts_at__gt=max(session.starts_at, timezone.now()),
            submission_deadline__gte=today,
        )  # fmt: skip
        .order_by("starts_at", "pk")
    )


def with_space(sessions):
    return [session for session in sessions if session.places_taken < session.capacity]


def late_flags_for(*, user, today=None, now=None):
    """{session pk: how many late portfolios} for the coordinator's sessions still to come
    whose deadline has passed. One query."""
    if not is_progression_coordinator(user):
        return {}
    today, now = today or timezone.localdate(), now or timezone.now()
    flags = {}
    for session_id in Booking.objects.filter(
        cancelled_at__isnull=True,
        application__state__in=LATE_STATES,
        session__organisation_id=user.organisation_id,
        session__status=SessionStatus.PLANNED,
        session__starts_at__gt=now,
        session__submission_deadline__lt=today,
    ).values_list("session_id", flat=True):
        flags[session_id] = flags.get(session_id, 0) + 1
    return flags


def late_attention(user):
    """Home page items for coordinators: each session still to come with late portfolios. One
    query."""
    if not is_progression_coordinator(user):
        return []
    today = timezone.localdate()
    bookings = (
        Booking.objects.filter(
            cancelled_at__isnull=True,
            application__state__in=LATE_STATES,
            session__organisation_id=user.organisation_id,
            session__status=SessionStatus.PLANNED,
            session__starts_at__gt=timezone.now(),
            session__submission_deadline__lt=today,
        )
        .select_related("session__route")
        .order_by("session__starts_at", "session_id")
    )
    sessions, counts = {}, {}
    for booking in bookings:
        sessions[booking.session_id] = booking.session
        counts[booking.session_id] = counts.get(booking.session_id, 0) + 1
    items = []
    for pk, session in sessions.items():
        count = counts[pk]
        what = "1 portfolio is" if count == 1 else f"{count} portfolios are"
        items.append(
            AttentionItem(
                label=f"{what} late for the {session.route.title} panel on "
                f"{long_date(session.starts_at)}",
                url=reverse("panels:session-late", args=[pk]),
                hint=f"Portfolios were due by {long_date(session.submission_deadline)}: "
                "move a booking to a later session",
            )
        )
    return items
