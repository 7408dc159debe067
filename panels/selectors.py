"""Reads for the panel pages. Each page's queries are fixed here, whatever the data size."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone

from careerpath.dates import long_date
from careerpath.selectors import AttentionItem
from frameworks.models import Standard
from frameworks.rules import eligible_from
from frameworks.selectors import eligibility_rules_of, route_facts_for
from panels.models import Booking, PanelSession, SessionStatus
from panels.permissions import (
    routes_for_sessions,
    sessions_managed_by,
    sessions_visible_to,
)


def with_places_taken(sessions):
    """Annotate each session with places_taken: its live (not cancelled) bookings. Every page
    that shows places reads it from here."""
    return sessions.annotate(
        places_taken=Count("bookings", filter=Q(bookings__cancelled_at__isnull=True))
    )


def places_taken(*, session):
    """How many places on one session are booked. The services that change capacity and take
    a place check against it (the booking service under a lock on the session)."""
    return Booking.objects.filter(session=session, cancelled_at__isnull=True).count()


def sessions_for_route(*, route):
    """A route's sessions, whichever framework version they were arranged on: the same council,
    framework slug and route code."""
    return PanelSession.objects.filter(
        organisation_id=route.framework.organisation_id,
        framework_slug=route.framework.slug,
        route_code=route.code,
    )


def arranged_dates(*, route):
    """The days the route already has a session on (cancelled ones do not count)."""
    return {
        timezone.localdate(starts_at)
        for starts_at in sessions_for_route(route=route)
        .exclude(status=SessionStatus.CANCELLED)
        .values_list("starts_at", flat=True)
    }


def _grouped_by_route(sessions):
    """[{route, sessions}] in the sessions' order, one group per framework slug and route code
    (so versions share a group)."""
    groups = {}
    for session in sessions:
        key = (session.framework_slug, session.route_code)
        groups.setdefault(key, {"route": session.route, "sessions": []})
        groups[key]["sessions"].append(session)
    return list(groups.values())


def _upcoming_first(sessions, *, now):
    upcoming = [session for session in sessions if session.starts_at >= now]
    past = [session for session in sessions if session.starts_at < now]
    return upcoming + past[::-1]


def session_list_for(*, user, now=None):
    """The coordinator's sessions grouped by route (framework slug and code, so versions share a
    group), upcoming first and soonest first, then past ones, most recent first."""
    now = now or timezone.now()
    sessions = list(
        with_places_taken(sessions_managed_by(user))
        .select_related("route__framework")
        .prefetch_related(live_bookings_prefetch())
        .order_by("starts_at", "pk")
    )
    groups = _grouped_by_route(_upcoming_first(sessions, now=now))
    return sorted(groups, key=lambda group: group["route"].title)


def upcoming_sessions_for(*, user, now=None):
    """Planned sessions still to come in the person's council, grouped by route."""
    now = now or timezone.now()
    sessions = (
        with_places_taken(sessions_visible_to(user))
        .filter(status=SessionStatus.PLANNED, starts_at__gte=now)
        .select_related("route__framework")
        .order_by("starts_at", "pk")
    )
    return _grouped_by_route(sessions)


def session_routes_for(*, user):
    return (
        routes_for_sessions(user).select_related("framework").order_by("framework__title", "order")
    )


def coordinator_attention(user, *, limit=3):
    """Home page items for progression coordinators: the next sessions, and where to arrange
    more."""
    sessions = (
        sessions_managed_by(user)
        .filter(status=SessionStatus.PLANNED, starts_at__gte=timezone.now())
        .select_related("route")
        .order_by("starts_at")[:limit]
    )
    items = [
        AttentionItem(
            label=f"{session.route.title}: panel on {long_date(session.starts_at)}, "
            f"portfolios due {long_date(session.submission_deadline)}",
            url=reverse("panels:session-edit", args=[session.pk]),
        )
        for session in sessions
    ]
    items.append(
        AttentionItem(
            label="Arrange panel sessions for the coming year",
            url=reverse("panels:session-propose"),
        )
    )
    return items


def session_version(session):
    """What an edit form carries to say which copy of the session it was opened on."""
    return session.updated_at.isoformat()


def session_initial(*, session):
    """A session's details as the edit form shows them, in the service's time zone."""
    starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    return {
        "date": starts.date(),
        "start_time": starts.time(),
        "end_time": ends.time(),
        "meeting_url": session.meeting_url,
        "location": session.location,
        "capacity": session.capacity,
        "submission_deadline": session.submission_deadline,
        "notes": session.notes,
        "saved_version": session_version(session),
    }


# --- Bookings ---------------------------------------------------------------------------------


def live_bookings():
    """Places still held (not cancelled), with the applicant, first booked first."""
    return (
        Booking.objects.filter(cancelled_at__isnull=True)
        .select_related("application__applicant")
        .order_by("booked_at", "pk")
    )


def live_bookings_prefetch():
    """A session's live bookings (as session.live_bookings), with the applicant, for the
    coordinator's list: one query for every session on the page."""
    return Prefetch(
        "bookings",
        queryset=live_bookings(),
        to_attr="live_bookings",
    )


def live_bookings_of(*, session):
    """Who has a place on the session, first booked first, with their applications."""
    return list(live_bookings().filter(session=session))


def live_booking_for(*, application):
    """The application's live booking, with its session and route, or None."""
    return (
        Booking.objects.filter(application=application, cancelled_at__isnull=True)
        .select_related("session__route__framework", "session__created_by", "session__organisation")
        .first()
    )


def eligible_on(*, person, route, on):
    """The first day from `on` on which the person meets the route's time-based eligibility
    rules (time since registration, time at level): `on` when they do already, None when a date
    they count from is not recorded."""
    facts, _ = route_facts_for(person=person, route=route, on=on)
    return eligible_from(eligibility_rules_of(route), facts, on)


@dataclass(frozen=True)
class SessionOption:
    session: PanelSession
    places_left: int
    eligible: bool  # the person will be eligible by the day of the session

    @property
    def can_book(self):
        return self.places_left > 0 and self.eligible


@dataclass(frozen=True)
class BookingChoices:
    options: tuple  # SessionOption, soonest first
    eligible_from: datetime.date | None  # None: a date the rules count from is not recorded

    @property
    def bookable(self):
        return tuple(option for option in self.options if option.can_book)


def bookable_sessions(*, route, today=None):
    """The route's planned sessions still open for portfolios (the submission deadline not
    passed), soonest first, with places taken. The booking service checks the same."""
    today = today or timezone.localdate()
    return (
        with_places_taken(sessions_for_route(route=route))
        .filter(
            status=SessionStatus.PLANNED,
            starts_at__gt=timezone.now(),
            submission_deadline__gte=today,
        )  # fmt: skip
        .select_related("route")
        .order_by("starts_at", "pk")
    )


def booking_choices_for(*, application, today=None):
    """What the booking page offers: each session open for booking, with places left and
    whether the applicant will be eligible by its date."""
    today = today or timezone.localdate()
    ready = eligible_on(person=application.applicant, route=application.route, on=today)
    options = tuple(
        SessionOption(
            session=session,
            places_left=max(session.capacity - session.places_taken, 0),
            eligible=ready is not None and ready <= timezone.localdate(session.starts_at),
        )
        for session in bookable_sessions(route=application.route, today=today)
    )
    return BookingChoices(options=options, eligible_from=ready)


def allocated_standards_of(*, application):
    """The application's allocated standards, as Standard rows of the route's set, in order."""
    policy = application.route.standards_policy or {}
    numbers = application.allocated_standards or []
    if not numbers or not policy.get("standard_set"):
        return []
    return list(
        Standard.objects.filter(
            standard_set__code=policy["standard_set"], number__in=numbers
        ).order_by("number")
    )


def next_panel_date_for(*, route, on):
    """The date of the route's first planned session on or after `on` with a place left and its
    deadline not passed (None when there is none): registered with portfolios, which shows
    eligibility on the date that matters."""
    session = (
        with_places_taken(sessions_for_route(route=route))
        .filter(
            status=SessionStatus.PLANNED,
            starts_at__gte=local_datetime(on, datetime.time.min),
            submission_deadline__gte=timezone.localdate(),
            places_taken__lt=F("capacity"),
        )  # fmt: skip
        .order_by("starts_at")
        .first()
    )
    return timezone.localdate(session.starts_at) if session else None


def local_datetime(day, time):
    """A date and a wall-clock time in the service's time zone, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, time))


def booking_attention(user):
    """Home page items for workers on routes where they book: book once agreed, or where the
    place is. One query (the open applications with their routes), and where the worker books,
    three more: the routes' rules, the attestations, the live bookings."""
    from portfolios.applications.agreement import agreement_complete, agreement_missing
    from portfolios.applications.booking import worker_books
    from portfolios.models import CLOSED_STATES, Application

    applications = [
        application
        for application in Application.objects.filter(applicant=user)
        .exclude(state__in=CLOSED_STATES)
        .select_related("route")
        if worker_books(application.route)
    ]
    if not applications:
        return []
    # Only for routes where the worker books: other people's home pages pay nothing more.
    prefetch_related_objects(applications, "route__rules", "attestations")
    booked = {
        booking.application_id: booking
        for booking in Booking.objects.filter(
            application__in=applications, cancelled_at__isnull=True
        ).select_related("session")
    }
    items = []
    for application in applications:
        booking = booked.get(application.pk)
        if booking is not None:
            items.append(AttentionItem(
                label=f"Your panel: {long_date(booking.session.starts_at)}, "
                f"{application.route.title}",
                url=reverse("panels:booking-detail", args=[application.pk]),
                hint=f"Submit your portfolio by {long_date(booking.session.submission_deadline)}",
            ))  # fmt: skip
        elif agreement_complete(application):
            items.append(AttentionItem(
                label=f"Book your place on the {application.route.title} panel",
                url=reverse("panels:application-book", args=[application.pk]),
            ))  # fmt: skip
        else:
            waiting = " and ".join(
                role.replace("_", " ") for role in agreement_missing(application)
            )
            items.append(AttentionItem(
                label=f"{application.route.title}: waiting for your {waiting} to agree",
                url=reverse("panels:application-book", args=[application.pk]),
                hint="You can book a panel place once they agree",
            ))  # fmt: skip
    return items
